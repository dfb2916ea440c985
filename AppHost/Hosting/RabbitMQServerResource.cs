namespace CrmCloud.AppHost.Hosting;

/// <summary>A RabbitMQ broker: a <see cref="LocalRabbitMq"/>, or the one <c>ConnectionStrings:{name}</c> names.</summary>
public sealed class RabbitMQServerResource(string name, int? port) : RunnableResource(name), IResourceWithConnectionString
{
    public const int DefaultPort = 55672;
    public const int DefaultManagementPort = 55673;
    public const int DefaultDistributionPort = 55674;

    private LocalRabbitMq? local;
    private string? connectionString;

    public int? Port { get; } = port;

    /// <summary>The management UI's port when <see cref="RabbitMQBuilderExtensions.WithManagementPlugin"/> published it.</summary>
    public int? ManagementPort { get; internal set; }

    public bool PublishesManagementUi { get; internal set; }

    public string ConnectionString => connectionString ?? throw NotRunning(Name);

    internal override Task<int> Exited => local?.Exited ?? base.Exited;

    internal override IEnumerable<SummaryLine> Summary
    {
        get
        {
            if (local is null)
            {
                var broker = new Uri(ConnectionString);
                yield return new SummaryLine("RabbitMQ", $"{broker.Scheme}://{broker.Host}:{broker.Port} (external)");
                yield break;
            }

            yield return new SummaryLine("RabbitMQ", $"amqp://{LocalRabbitMq.Host}:{local.AmqpPort}  node {local.NodeName}");
            if (PublishesManagementUi)
            {
                yield return new SummaryLine("RabbitMQ UI", $"{local.ManagementUri}  user {LocalRabbitMq.UserName}, password {LocalRabbitMq.Password}");
            }
        }
    }

    internal override async Task StartAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        if (context.ExternalConnectionString(Name) is { } external)
        {
            connectionString = external;
            return;
        }

        // The management plugin always runs (readiness and virtual hosts use its API); published, it gets the well-known port.
        local = await LocalRabbitMq.StartAsync(
            context.State.Path,
            context.Port(Name, "Port", Port ?? DefaultPort),
            context.Port(Name, "ManagementPort", PublishesManagementUi ? ManagementPort ?? DefaultManagementPort : null),
            context.Port(Name, "DistributionPort", DefaultDistributionPort),
            context.OutputOf(Name),
            cancellationToken);
        connectionString = local.ConnectionString;
    }

    internal override async Task StopAsync(CancellationToken force)
    {
        if (local is not null)
        {
            await local.StopAsync(force);
        }
    }

    internal override void Kill() => (local ?? throw NotRunning(Name)).Kill();

    /// <summary>The same node on the same ports with the same data (durable queues and their messages survive).</summary>
    internal override async Task StartAgainAsync(ResourceContext context, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var previous = local ?? throw new InvalidOperationException($"{Name} is an external broker: it is not ours to start.");
        if (!previous.Exited.IsCompleted)
        {
            throw new InvalidOperationException($"{Name} is running: stop or kill it first.");
        }

        local = await LocalRabbitMq.StartAsync(
            context.State.Path, previous.AmqpPort, previous.ManagementPort, previous.DistributionPort, context.OutputOf(Name), cancellationToken);
    }
}
