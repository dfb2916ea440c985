using System.Diagnostics;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// Development only, for fault drills (<c>--Control=true</c>): stops, kills and starts single resources of the running
/// system on request, without the orchestrator taking a requested exit for a failure. A request is a file
/// <c>{state}/control/{name}.request</c> holding one line; the answer appears beside it as <c>{name}.response</c>:
/// <c>ok [detail]</c> or <c>error: why</c>. Requests run one at a time, in name order. The lines:
/// <list type="bullet">
/// <item><c>stop &lt;resource&gt;</c>, <c>kill &lt;resource&gt;</c> (SIGKILL): the resource stays down until started;</item>
/// <item><c>start &lt;resource&gt; [VARIABLE=value ...]</c>: starts it again on the same ports, with the variables set
/// over the model's (e.g. a project's <c>ConnectionStrings__messaging</c> pointed elsewhere), and waits until ready;</item>
/// <item><c>restart &lt;resource&gt; [VARIABLE=value ...]</c>: stop, then start;</item>
/// <item><c>add-replica &lt;project&gt;</c>: one more instance of the project (answers its URL);
/// <c>remove-replicas &lt;project&gt;</c> stops them.</item>
/// </list>
/// The folder is inside the state folder, so only the user who runs the system can send requests.
/// </summary>
internal sealed class ControlFolder(IReadOnlyList<RunnableResource> resources, ResourceContext context)
{
    public const string ConfigurationKey = "Control";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly HashSet<RunnableResource> held = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Path { get; } = context.State.Combine("control");

    /// <summary>Completes when a request has been carried out: the resources' exits are to be watched afresh.</summary>
    public Task Changed
    {
        get
        {
            lock (held)
            {
                return changed.Task;
            }
        }
    }

    /// <summary>Whether the resource is down (or going down, or starting) on request: its exit is no failure.</summary>
    public bool Holds(RunnableResource resource)
    {
        lock (held)
        {
            return held.Contains(resource);
        }
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        Directory.CreateDirectory(Path);
        context.Console.Info($"control requests are read from {Path}");
        while (!stopping.IsCancellationRequested)
        {
            foreach (var request in Directory.GetFiles(Path, "*.request").Order(StringComparer.Ordinal))
            {
                var line = (await File.ReadAllTextAsync(request, stopping)).Trim();
                string answer;
                try
                {
                    answer = "ok " + await CarryOutAsync(line, stopping);
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested)
                {
                    answer = $"error: {exception.Message}";
                }

                context.Console.Info($"control: {line} -> {answer}");
                var response = System.IO.Path.ChangeExtension(request, ".response");
                await File.WriteAllTextAsync(response + ".partial", answer + "\n", CancellationToken.None);
                File.Move(response + ".partial", response, overwrite: true);
                File.Delete(request);
            }

            await Task.Delay(PollInterval, stopping);
        }
    }

    private async Task<string> CarryOutAsync(string line, CancellationToken stopping)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2)
        {
            throw new InvalidOperationException($"'{line}' is no request: <verb> <resource> [VARIABLE=value ...].");
        }

        var resource = resources.FirstOrDefault(candidate => string.Equals(candidate.Name, words[1], StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"No resource is named {words[1]}.");
        var variables = words[2..].Select(word => word.Split('=', 2)).ToDictionary(
            pair => pair[0], pair => pair.Length == 2 ? pair[1] : throw new InvalidOperationException($"'{string.Join('=', pair)}' is not VARIABLE=value."));
        var clock = Stopwatch.StartNew();
        switch (words[0])
        {
            case "stop":
                await TakeDownAsync(resource, () => resource.StopAsync(CancellationToken.None));
                break;
            case "kill":
                await TakeDownAsync(resource, () =>
                {
                    resource.Kill();
                    return resource.Exited.WaitAsync(TimeSpan.FromSeconds(10), stopping);
                });
                break;
            case "start":
                await StartAgainAsync(resource, variables, stopping);
                break;
            case "restart":
                await TakeDownAsync(resource, () => resource.StopAsync(CancellationToken.None));
                await StartAgainAsync(resource, variables, stopping);
                break;
            case "add-replica":
                return await ProjectOf(resource).AddReplicaAsync(context, stopping);
            case "remove-replicas":
                await ProjectOf(resource).StopReplicasAsync(CancellationToken.None);
                break;
            default:
                throw new InvalidOperationException($"Unknown verb {words[0]}: stop, kill, start, restart, add-replica or remove-replicas.");
        }

        return $"{clock.Elapsed.TotalSeconds:0.0} s";
    }

    private async Task TakeDownAsync(RunnableResource resource, Func<Task> takeDown)
    {
        lock (held)
        {
            held.Add(resource);
        }

        await takeDown();
        Signal();
    }

    private async Task StartAgainAsync(RunnableResource resource, IReadOnlyDictionary<string, string> variables, CancellationToken stopping)
    {
        if (!Holds(resource))
        {
            throw new InvalidOperationException($"{resource.Name} was not stopped on request.");
        }

        await resource.StartAgainAsync(context, variables, stopping);
        lock (held)
        {
            held.Remove(resource);
        }

        Signal();
    }

    private void Signal()
    {
        lock (held)
        {
            changed.TrySetResult();
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private static ProjectResource ProjectOf(RunnableResource resource) =>
        resource as ProjectResource ?? throw new InvalidOperationException($"{resource.Name} is no project: only projects have replicas.");
}
