namespace CrmCloud.AppHost.Hosting;

/// <summary>Anything in the app model: a server, a database on it, a project.</summary>
public interface IResource
{
    string Name { get; }
}

/// <summary>A resource others reach with a connection string, handed to them as <c>ConnectionStrings__{Name}</c>.</summary>
public interface IResourceWithConnectionString : IResource
{
    /// <summary>The connection string; known once the resource (or the server it lives on) runs.</summary>
    string ConnectionString { get; }
}

/// <summary>
/// A resource the orchestrator runs: started once what it waits for is ready, stopped after what
/// waits for it has stopped. It runs a process of its own, or stands for an external endpoint.
/// </summary>
public abstract class RunnableResource(string name) : IResource
{
    private static readonly Task<int> Never = new TaskCompletionSource<int>().Task;
    private readonly HashSet<RunnableResource> dependencies = [];

    public string Name { get; } = name;

    /// <summary>The resources that must be ready before this one starts.</summary>
    public IReadOnlySet<RunnableResource> Dependencies => dependencies;

    /// <summary>Completes with an exit code when the resource's process exits; never for an external endpoint.</summary>
    internal virtual Task<int> Exited => Never;

    /// <summary>Whether anything the resource started still runs, so that stopping everything must stop it.</summary>
    internal virtual bool IsRunning => !Exited.IsCompleted;

    /// <summary>Starts the resource and returns once it is ready. Whether it succeeds or not, <see cref="StopAsync"/> follows.</summary>
    internal abstract Task StartAsync(ResourceContext context, CancellationToken cancellationToken);

    /// <summary>Stops whatever <see cref="StartAsync"/> started (possibly nothing) and waits for it; <paramref name="force"/> cuts the grace period.</summary>
    internal abstract Task StopAsync(CancellationToken force);

    /// <summary>
    /// Starts the resource again after it was stopped or killed on request (<see cref="ControlFolder"/>), with the same
    /// addresses, so that nothing that references it needs to change; <paramref name="environment"/> is set over the model's.
    /// </summary>
    internal virtual Task StartAgainAsync(ResourceContext context, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"{Name} cannot be started again.");

    /// <summary>SIGKILL to the resource's process group: no shutdown of any kind.</summary>
    internal virtual void Kill() => throw new InvalidOperationException($"{Name} cannot be killed.");

    /// <summary>What a person needs to reach the resource, for the summary printed once everything is up.</summary>
    internal abstract IEnumerable<SummaryLine> Summary { get; }

    internal void WaitFor(RunnableResource resource)
    {
        if (resource != this)
        {
            dependencies.Add(resource);
        }
    }

    private protected static InvalidOperationException NotRunning(string name) => new($"{name} is not running yet.");
}

/// <summary>One line of the summary: a label and where to find the thing.</summary>
internal sealed record SummaryLine(string Label, string Value);
