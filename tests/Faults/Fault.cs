using System.Net;

namespace CrmCloud.Faults;

/// <summary>
/// One fault injected under load: <see cref="InjectAsync"/> does the damage and, after the outage, undoes it (the
/// moment it returns is when recovery starts); <see cref="CleanUpAsync"/> puts back anything arranged only for the fault
/// once it has been checked.
/// </summary>
internal abstract record Fault(string Name, string Description)
{
    public abstract Task InjectAsync(Drill drill);

    public virtual Task CleanUpAsync(Drill drill) => Task.CompletedTask;
}

/// <summary>The broker stopped (a clean shutdown) for the outage, then started again with its data.</summary>
internal sealed record BrokerOutage(TimeSpan Outage) : Fault("broker stopped", $"RabbitMQ stopped for {Outage.TotalSeconds:0} s, then started")
{
    public override async Task InjectAsync(Drill drill)
    {
        await drill.ControlAsync("stop messaging");
        await Drill.OutageAsync(Outage);
        await drill.ControlAsync("start messaging");
    }
}

/// <summary>A service SIGKILLed mid-load: no shutdown, whatever was in flight in it is cut off; then started again.</summary>
internal sealed record ServiceKilled(string Service, TimeSpan Outage) : Fault("service killed", $"{Service} SIGKILLed, started again after {Outage.TotalSeconds:0} s")
{
    public override async Task InjectAsync(Drill drill)
    {
        await drill.ControlAsync($"kill {Service}");
        await Drill.OutageAsync(Outage);
        await drill.ControlAsync($"start {Service}");
    }
}

/// <summary>PostgreSQL, which every service's database lives on, restarted (fast shutdown: open connections are cut).</summary>
internal sealed record DatabaseRestart() : Fault("postgres restarted", "PostgreSQL restarted under every service")
{
    public override Task InjectAsync(Drill drill) => drill.ControlAsync("restart postgres");
}

/// <summary>
/// The network between one service and the broker cut, then restored: the service reaches the broker through a relay
/// the drill controls, which drops the service's connections and refuses new ones for the outage.
/// </summary>
internal sealed record NetworkCut(string Service, TimeSpan Outage) : Fault("network cut", $"{Service} cut off from RabbitMQ for {Outage.TotalSeconds:0} s")
{
    private TcpProxy? relay;

    public override async Task InjectAsync(Drill drill)
    {
        var broker = new Uri(drill.System.EnvironmentOf(Service, "ConnectionStrings__messaging"));
        relay = new TcpProxy(new IPEndPoint(IPAddress.Parse(broker.Host), broker.Port));
        var throughRelay = new UriBuilder(broker) { Port = relay.Port }.Uri;
        await drill.ControlAsync($"restart {Service} ConnectionStrings__messaging={throughRelay}");
        await Drill.LoadAsync(TimeSpan.FromSeconds(5));
        relay.Cut();
        await Drill.OutageAsync(Outage);
        relay.Restore();
    }

    public override async Task CleanUpAsync(Drill drill)
    {
        await drill.ControlAsync($"restart {Service}");
        if (relay is not null)
        {
            await relay.DisposeAsync();
        }
    }
}

/// <summary>A second instance of every consuming service, competing with the first on the same queues and outbox.</summary>
internal sealed record CompetingConsumers(IReadOnlyList<string> Services, TimeSpan Duration) : Fault("two instances each", $"a second instance of {string.Join(", ", Services)} for {Duration.TotalSeconds:0} s")
{
    public override async Task InjectAsync(Drill drill)
    {
        foreach (var service in Services)
        {
            await drill.ControlAsync($"add-replica {service}");
        }

        await Drill.LoadAsync(Duration);
    }

    public override async Task CleanUpAsync(Drill drill)
    {
        foreach (var service in Services)
        {
            await drill.ControlAsync($"remove-replicas {service}");
        }
    }
}
