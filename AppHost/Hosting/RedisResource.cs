namespace CrmCloud.AppHost.Hosting;

/// <summary>A Redis server: a <see cref="LocalRedis"/> with an append-only file, or the one <c>ConnectionStrings:{name}</c> names.</summary>
public sealed class RedisResource(string name, int? port) : RunnableResource(name), IResourceWithConnectionString
{
    public const int DefaultPort = 56379;

    private LocalRedis? local;
    private string? connectionString;

    public int? Port { get; } = port;

    public string ConnectionString => connectionString ?? throw NotRunning(Name);

    internal override Task<int> Exited => local?.Exited ?? base.Exited;

    internal override IEnumerable<SummaryLine> Summary =>
        [new SummaryLine("Redis", local is null ? $"{ConnectionString.Split(',')[0]} (external)" : local.ConnectionString)];

    internal override async Task StartAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        if (context.ExternalConnectionString(Name) is { } external)
        {
            connectionString = external;
            return;
        }

        local = await LocalRedis.StartAsync(
            context.State.Path, context.Port(Name, "Port", Port ?? DefaultPort), persistent: true, context.OutputOf(Name), cancellationToken);
        connectionString = local.ConnectionString;
    }

    internal override async Task StopAsync(CancellationToken force)
    {
        if (local is not null)
        {
            await local.StopAsync(force);
        }
    }
}
