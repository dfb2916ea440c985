using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

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
        builder.Services.AddScoped<IMigrationStep, DatabaseMigration<TDb>>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TDb>>(connectionName, tags: [Extensions.ReadyTag]);
        return builder;
    }

    /// <summary>The provider and conventions of every service database: PostgreSQL, snake_case names.</summary>
    public static DbContextOptionsBuilder UseServiceDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
}
