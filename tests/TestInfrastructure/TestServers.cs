using Npgsql;

namespace CrmCloud.TestInfrastructure;

/// <summary>
/// The real PostgreSQL, RabbitMQ and Redis the tests run on. Every fixture asks for its own database,
/// virtual host and key prefix, so tests and concurrent runs never see each other's data.
/// </summary>
public abstract class TestServers : IAsyncDisposable
{
    protected abstract string PostgresAdminConnectionString { get; }

    public abstract string RedisConnectionString { get; }

    /// <summary>Creates a fresh empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(PostgresAdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return new NpgsqlConnectionStringBuilder(PostgresAdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Creates a fresh virtual host and returns the AMQP URI that names it.</summary>
    public abstract Task<string> CreateVirtualHostAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Removes a virtual host and closes its connections: a broker outage for whoever uses it.</summary>
    public abstract Task DeleteVirtualHostAsync(string name, CancellationToken cancellationToken = default);

    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// Containers where a Docker engine answers, the locally installed servers otherwise
    /// (<c>CRM_TEST_SERVERS=local|containers</c> forces one).
    /// </summary>
    public static async Task<TestServers> StartAsync(CancellationToken cancellationToken)
    {
        var choice = Environment.GetEnvironmentVariable("CRM_TEST_SERVERS");
        var useContainers = choice switch
        {
            "containers" => true,
            "local" => false,
            _ => DockerEngine.IsReachable(),
        };
        return useContainers
            ? await ContainerServers.StartContainersAsync(cancellationToken)
            : await LocalServers.StartLocalAsync(cancellationToken);
    }
}
