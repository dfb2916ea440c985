using System.Data.Common;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace CrmCloud.Platform.Data;

public static class DataExtensions
{
    /// <summary>
    /// The service's own PostgreSQL database from the connection string the orchestrator names
    /// (<c>ConnectionStrings__{connectionName}</c>), its migrate step and its readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDb>(this IHostApplicationBuilder builder, string connectionName)
        where TDb : ServiceDb
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"The connection string '{connectionName}' is not configured (ConnectionStrings__{connectionName}).");

        builder.Services.AddDbContext<TDb>(options => options.UseServiceDatabase(connectionString));
        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.AddExceptionHandler<TransientDatabaseErrorHandler>();
        builder.Services.AddScoped<IMigrationStep, DatabaseMigration<TDb>>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TDb>>(connectionName, tags: [Extensions.ReadyTag]);
        return builder;
    }

    /// <summary>The provider and conventions of every service database: PostgreSQL, snake_case names.</summary>
    public static DbContextOptionsBuilder UseServiceDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(Pooled(connectionString), npgsql => npgsql.MigrationsHistoryTable("ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>Connections one process may hold when its connection string does not say.</summary>
    public const int DefaultMaxPoolSize = 16;

    /// <summary>
    /// A pool of <paramref name="size"/> connections apart from the service's own (Npgsql keeps one pool per connection
    /// string), for work that must not queue behind requests holding every connection of the shared pool.
    /// </summary>
    public static string OwnPool(string connectionString, string name, int size) =>
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = name, MaxPoolSize = size }.ConnectionString;

    /// <summary>
    /// How a service uses its pool. A pooled connection is not reset (<c>DISCARD ALL</c>) each time a context takes
    /// it: every request and every consumed message opens one or two, and no code here leaves session state behind
    /// (settings are <c>SET LOCAL</c>). The pool is bounded: Npgsql's default (100) lets a dozen processes, or two
    /// instances of each service, ask for more connections than the server allows, and a refused connection fails
    /// consumers until their messages are parked; a bounded pool makes a busy process wait for its own connections.
    /// </summary>
    private static string Pooled(string connectionString)
    {
        var named = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var sized = named.Keys.Cast<string>().Any(key =>
            key.Replace(" ", "", StringComparison.Ordinal) is var compact
            && (compact.Equals("MaximumPoolSize", StringComparison.OrdinalIgnoreCase) || compact.Equals("MaxPoolSize", StringComparison.OrdinalIgnoreCase)));
        var pooled = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        if (!sized)
        {
            pooled.MaxPoolSize = DefaultMaxPoolSize;
        }

        return pooled.ConnectionString;
    }
}
