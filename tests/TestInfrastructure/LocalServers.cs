using CrmCloud.AppHost.Hosting;

namespace CrmCloud.TestInfrastructure;

/// <summary>
/// The locally installed servers, started by the same code the AppHost uses, privately for this test
/// process in a temporary folder on free ports, and removed with it.
/// </summary>
internal sealed class LocalServers(string stateDirectory, LocalPostgres postgres, LocalRabbitMq rabbit, LocalRedis redis) : TestServers
{
    protected override string PostgresAdminConnectionString => postgres.ConnectionString;

    public override string RedisConnectionString => redis.ConnectionString;

    public static async Task<TestServers> StartLocalAsync(CancellationToken cancellationToken)
    {
        var stateDirectory = Directory.CreateTempSubdirectory("crm-test-").FullName;
        var postgres = LocalPostgres.StartAsync(stateDirectory, persistent: false, cancellationToken: cancellationToken);
        var rabbit = LocalRabbitMq.StartAsync(stateDirectory, cancellationToken: cancellationToken);
        var redis = LocalRedis.StartAsync(stateDirectory, persistent: false, cancellationToken: cancellationToken);
        try
        {
            await Task.WhenAll(postgres, rabbit, redis);
        }
        catch
        {
            // Stop whichever did start, so a failed start leaves no server behind.
            await StopIfStartedAsync(postgres);
            await StopIfStartedAsync(rabbit);
            await StopIfStartedAsync(redis);
            throw;
        }

        return new LocalServers(stateDirectory, await postgres, await rabbit, await redis);
    }

    private static async Task StopIfStartedAsync<T>(Task<T> start)
        where T : IAsyncDisposable
    {
        if (start.IsCompletedSuccessfully)
        {
            await start.Result.DisposeAsync();
        }
    }

    public override async Task<string> CreateVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        await rabbit.CreateVirtualHostAsync(name, cancellationToken);
        return rabbit.ConnectionStringFor(name);
    }

    public override Task DeleteVirtualHostAsync(string name, CancellationToken cancellationToken = default) =>
        rabbit.DeleteVirtualHostAsync(name, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await redis.DisposeAsync();
        await rabbit.DisposeAsync();
        await postgres.DisposeAsync();
        Directory.Delete(stateDirectory, recursive: true);
    }
}
