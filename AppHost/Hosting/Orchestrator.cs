using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// Runs the app model: every resource once what it waits for is ready (in parallel where the graph
/// allows), then the summary; on Ctrl-C/SIGTERM, a failed start or an unexpected exit it stops
/// everything it started, dependents first, and returns the exit code.
/// </summary>
internal sealed class Orchestrator(IReadOnlyList<IResource> model, IConfiguration configuration)
{
    private const string ApplicationName = "CrmCloud";

    private readonly RunnableResource[] resources = [.. model.OfType<RunnableResource>()];
    private readonly Dictionary<RunnableResource, Task> starts = [];
    private readonly HashSet<RunnableResource> startsInProgress = [];
    private readonly HashSet<RunnableResource> started = [];
    private volatile bool failed;

    public async Task<int> RunAsync()
    {
        var state = new StateDirectory(configuration[StateDirectory.ConfigurationKey] ?? StateDirectory.DefaultPath);
        var console = new ResourceConsole(resources.Select(resource => resource.Name));
        using var runLock = RunLock.TryAcquire(state);
        if (runLock is null)
        {
            console.Error($"Another AppHost is running with the state folder {state.Path}: stop it first, or choose another --StateDirectory.");
            return 1;
        }

        using var signals = new ShutdownSignals(console);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var startFailed = CancellationTokenSource.CreateLinkedTokenSource(signals.Stopping);
        var context = new ResourceContext(configuration, state, console, http);
        console.Info($"state folder {state.Path}");
        foreach (var message in await PidFiles.StopLeftoversAsync(state.PidDirectory))
        {
            console.Info(message);
        }

        try
        {
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(resources.Select(resource => StartOnce(resource, context, startFailed)));
            PrintSummary(console, clock.Elapsed, state);
            var control = configuration.GetValue(ControlFolder.ConfigurationKey, false) ? new ControlFolder(resources, context) : null;
            using var controlStop = CancellationTokenSource.CreateLinkedTokenSource(signals.Stopping);
            var controlling = control?.RunAsync(controlStop.Token) ?? Task.CompletedTask;
            var exitedUnexpectedly = await WatchAsync(console, control, signals.Stopping);
            await controlStop.CancelAsync();
            try
            {
                await controlling;
            }
            catch (OperationCanceledException)
            {
                // Stopping: a request in progress is abandoned.
            }

            return exitedUnexpectedly ? 1 : 0;
        }
        catch (Exception) when (signals.StopRequested && !failed)
        {
            return 0; // stopped while starting
        }
        catch (Exception exception)
        {
            if (!failed)
            {
                failed = true;
                console.Error(exception.Message);
            }

            return 1;
        }
        finally
        {
            await StopAllAsync(console, signals.Force);
            console.Info(failed ? "stopped after a failure" : "stopped");
        }
    }

    private Task StartOnce(RunnableResource resource, ResourceContext context, CancellationTokenSource startFailed)
    {
        lock (starts)
        {
            if (starts.TryGetValue(resource, out var start))
            {
                return start;
            }

            if (!startsInProgress.Add(resource))
            {
                throw new InvalidOperationException($"{resource.Name} waits for itself through its dependencies.");
            }

            start = StartAfterDependenciesAsync(resource, context, startFailed);
            starts[resource] = start;
            return start;
        }
    }

    private async Task StartAfterDependenciesAsync(RunnableResource resource, ResourceContext context, CancellationTokenSource startFailed)
    {
        await Task.WhenAll(resource.Dependencies.Select(dependency => StartOnce(dependency, context, startFailed)));
        startFailed.Token.ThrowIfCancellationRequested();
        lock (started)
        {
            started.Add(resource);
        }

        var clock = Stopwatch.StartNew();
        try
        {
            await resource.StartAsync(context, startFailed.Token);
            context.Console.Info($"{resource.Name} is ready ({clock.Elapsed.TotalSeconds:0.0} s)");
        }
        catch (Exception exception) when (!startFailed.IsCancellationRequested)
        {
            failed = true;
            context.Console.Error($"{resource.Name} failed to start: {exception.Message}");
            await startFailed.CancelAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits for a stop request or for a resource to exit on its own; true when one did (a failure). A resource the
    /// <paramref name="control"/> folder holds down on request is not watched until it is started again.
    /// </summary>
    private async Task<bool> WatchAsync(ResourceConsole console, ControlFolder? control, CancellationToken stopping)
    {
        var stopRequested = new TaskCompletionSource();
        using var registration = stopping.Register(() => stopRequested.TrySetResult());
        while (true)
        {
            var changed = control?.Changed ?? Task.Delay(Timeout.Infinite, stopping);
            var exits = resources
                .Where(resource => control?.Holds(resource) != true)
                .Select(async resource => (Resource: resource, ExitCode: await resource.Exited))
                .ToArray();
            var first = await Task.WhenAny([stopRequested.Task, changed, .. exits]);
            if (first == stopRequested.Task)
            {
                return false;
            }

            if (first == changed)
            {
                continue;
            }

            var (exited, exitCode) = await (Task<(RunnableResource, int)>)first;
            if (control?.Holds(exited) == true)
            {
                continue; // it went down on request after the watch began
            }

            failed = true;
            console.Error($"{exited.Name} exited unexpectedly with code {exitCode}: stopping everything.");
            return true;
        }
    }

    /// <summary>Stops what was started, each resource after everything that waits for it.</summary>
    private async Task StopAllAsync(ResourceConsole console, CancellationToken force)
    {
        var stops = new Dictionary<RunnableResource, Task>();
        Task StopOnce(RunnableResource resource)
        {
            if (!stops.TryGetValue(resource, out var stop))
            {
                stop = StopAfterDependentsAsync(resource);
                stops[resource] = stop;
            }

            return stop;
        }

        async Task StopAfterDependentsAsync(RunnableResource resource)
        {
            await Task.WhenAll(resources.Where(other => other.Dependencies.Contains(resource)).Select(StopOnce));
            if (!started.Contains(resource) || !resource.IsRunning)
            {
                return;
            }

            console.Info($"stopping {resource.Name}");
            try
            {
                await resource.StopAsync(force);
            }
            catch (Exception exception)
            {
                console.Error($"{resource.Name} did not stop cleanly: {exception.Message}");
            }
        }

        await Task.WhenAll(resources.Select(StopOnce));
    }

    private void PrintSummary(ResourceConsole console, TimeSpan elapsed, StateDirectory state)
    {
        var stateOption = state.Path == Path.GetFullPath(StateDirectory.DefaultPath) ? string.Empty : $" --StateDirectory={state.Path}";
        var entryPoints = resources.OfType<ProjectResource>().Where(project => project.IsExternal).ToArray();
        var lines = entryPoints
            .Concat(resources.Where(resource => resource is not ProjectResource))
            .Concat(resources.OfType<ProjectResource>().Where(project => !project.IsExternal))
            .SelectMany(resource => resource.Summary)
            .Append(new SummaryLine("token", $"./crm token --tenant acme{stateOption}   (then: Authorization: Bearer <token>)"))
            .ToArray();
        var width = lines.Max(line => line.Label.Length) + 2;

        console.Plain(string.Empty);
        console.Plain($"{ApplicationName} is running (started in {elapsed.TotalSeconds:0.0} s); Ctrl-C stops everything.");
        foreach (var line in lines)
        {
            console.Plain($"  {line.Label.PadRight(width)}{line.Value}");
        }

        console.Plain(string.Empty);
        console.Plain($"{ApplicationName} is up: {string.Join(' ', entryPoints.Select(project => $"{project.Name}={project.Url}"))}");
    }
}
