using Npgsql;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// A PostgreSQL server: a <see cref="LocalPostgres"/>, or the server that <c>ConnectionStrings:{name}</c>
/// (an admin connection string) names. Its databases are created when it is ready.
/// </summary>
public sealed class PostgresServerResource(string name, int? port) : RunnableResource(name), IResourceWithConnectionString
{
    public const int DefaultPort = 55432;

    private readonly List<PostgresDatabaseResource> databases = [];
    private LocalPostgres? local;
    private string? adminConnectionString;
    private string? passwordFile;

    public int? Port { get; } = port;

    public IReadOnlyList<PostgresDatabaseResource> Databases => databases;

    /// <summary>The admin connection string (database <c>postgres</c>).</summary>
    public string ConnectionString => adminConnectionString ?? throw NotRunning(Name);

    internal override Task<int> Exited => local?.Exited ?? base.Exited;

    internal override IEnumerable<SummaryLine> Summary
    {
        get
        {
            var server = new NpgsqlConnectionStringBuilder(ConnectionString);
            yield return local is null
                ? new SummaryLine("PostgreSQL", $"{server.Host}:{server.Port} (external)")
                : new SummaryLine("PostgreSQL", $"{server.Host}:{server.Port}  user {server.Username}, password in {passwordFile}");
        }
    }

    internal void Add(PostgresDatabaseResource database) => databases.Add(database);

    internal override async Task StartAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        if (context.ExternalConnectionString(Name) is { } external)
        {
            adminConnectionString = external;
        }
        else
        {
            local = await LocalPostgres.StartAsync(
                context.State.Path, context.Port(Name, "Port", Port ?? DefaultPort), persistent: true, context.OutputOf(Name), cancellationToken);
            adminConnectionString = local.ConnectionString;
            passwordFile = context.State.Combine("secrets", LocalPostgres.PasswordSecret);
        }

        foreach (var database in databases)
        {
            if (await PostgresDatabases.EnsureCreatedAsync(adminConnectionString, database.DatabaseName, cancellationToken))
            {
                context.Console.Info($"created database {database.DatabaseName}");
            }
        }
    }

    internal override async Task StopAsync(CancellationToken force)
    {
        if (local is not null)
        {
            await local.StopAsync(force);
        }
    }

    internal override void Kill() => (local ?? throw NotRunning(Name)).Kill();

    /// <summary>The same server on the same port with the same data.</summary>
    internal override async Task StartAgainAsync(ResourceContext context, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var previous = local ?? throw new InvalidOperationException($"{Name} is an external server: it is not ours to start.");
        if (!previous.Exited.IsCompleted)
        {
            throw new InvalidOperationException($"{Name} is running: stop or kill it first.");
        }

        local = await LocalPostgres.StartAsync(context.State.Path, previous.Port, persistent: true, context.OutputOf(Name), cancellationToken);
    }
}

/// <summary>One database on a <see cref="PostgresServerResource"/>, handed over as <c>ConnectionStrings__{Name}</c>.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent) : IResourceWithConnectionString
{
    public string Name { get; } = name;

    public string DatabaseName { get; } = databaseName;

    public PostgresServerResource Parent { get; } = parent;

    public string ConnectionString => PostgresDatabases.ConnectionStringFor(Parent.ConnectionString, DatabaseName);
}
