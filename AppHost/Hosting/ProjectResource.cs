using System.Diagnostics;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// A .NET project run from its build output (<c>dotnet bin/{Configuration}/{tfm}/{Name}.dll</c>) with the
/// configuration Aspire would give it: connection strings, service endpoints, URLs and OTEL variables.
/// </summary>
public sealed class ProjectResource(string name, string projectPath) : RunnableResource(name)
{
    private static readonly TimeSpan MigrationTimeout = TimeSpan.FromMinutes(5);

    private readonly List<IResource> references = [];
    private readonly List<(string Path, string Label)> urls = [];
    private readonly Dictionary<string, string> environment = [];
    private readonly List<ChildProcess> replicas = [];
    private IReadOnlyDictionary<string, string> overrides = new Dictionary<string, string>();
    private ChildProcess? migration;
    private ChildProcess? process;
    private string? url;
    private int port;

    /// <summary>The .csproj, absolute.</summary>
    public string ProjectPath { get; } = Path.GetFullPath(projectPath, AppHostProject.Directory);

    /// <summary>The declared HTTP port; null picks a free one.</summary>
    public int? Port { get; internal set; }

    /// <summary>Reachable from outside the app (bound to localhost and named in the summary's machine-readable line).</summary>
    public bool IsExternal { get; internal set; }

    /// <summary>Runs <c>{project} migrate</c> to completion before the project starts.</summary>
    public bool RunsMigrations { get; internal set; }

    public IReadOnlyList<IResource> References => references;

    /// <summary>The HTTP endpoint once running, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => url ?? throw NotRunning(Name);

    internal override Task<int> Exited => process?.Exited ?? base.Exited;

    internal override bool IsRunning => base.IsRunning || replicas.Any(replica => !replica.HasExited);

    internal override IEnumerable<SummaryLine> Summary =>
        [new SummaryLine(Name, Url), .. urls.Select(extra => new SummaryLine(extra.Label, Url + extra.Path))];

    internal void Reference(IResource resource) => references.Add(resource);

    internal void AddUrl(string path, string label) => urls.Add((path, label));

    internal void SetEnvironment(string variable, string value) => environment[variable] = value;

    internal override async Task StartAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        var assembly = AppHostProject.OutputAssemblyOf(ProjectPath);
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException(
                $"{Name} is not built ({assembly} is missing): build first, e.g. dotnet build CrmCloud.sln -c {AppHostProject.Configuration}.");
        }

        port = context.Port(Name, "Port", Port);
        url = $"http://{(IsExternal ? "localhost" : "127.0.0.1")}:{port}";
        if (RunsMigrations)
        {
            await MigrateAsync(context, assembly, BuildEnvironment(context, url), cancellationToken);
        }

        process = await RunAsync(context, Name, port, cancellationToken);
    }

    internal override async Task StopAsync(CancellationToken force)
    {
        await (migration?.StopAsync(force) ?? Task.CompletedTask);
        await (process?.StopAsync(force) ?? Task.CompletedTask);
        await StopReplicasAsync(force);
    }

    /// <summary>Starts the project again on its own port (migrations ran already), with <paramref name="variables"/> over the model's.</summary>
    internal override async Task StartAgainAsync(ResourceContext context, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        if (process is { HasExited: false })
        {
            throw new InvalidOperationException($"{Name} is running: stop or kill it first.");
        }

        overrides = variables;
        process = await RunAsync(context, Name, port, cancellationToken);
    }

    internal override void Kill() => (process ?? throw NotRunning(Name)).Kill();

    /// <summary>
    /// Another instance of the project beside the first, on a port of its own and unknown to the projects that reference
    /// this one: it shares the database and the broker's queues with the first, as a second replica in production would.
    /// </summary>
    /// <returns>The replica's URL.</returns>
    internal async Task<string> AddReplicaAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        var replicaPort = Ports.Free();
        var replica = await RunAsync(context, $"{Name}-{replicas.Count + 2}", replicaPort, cancellationToken);
        lock (replicas)
        {
            replicas.Add(replica);
        }

        return $"http://127.0.0.1:{replicaPort}";
    }

    internal async Task StopReplicasAsync(CancellationToken force)
    {
        ChildProcess[] stopping;
        lock (replicas)
        {
            stopping = [.. replicas];
            replicas.Clear();
        }

        await Task.WhenAll(stopping.Select(replica => replica.StopAsync(force)));
    }

    /// <summary>Starts one instance listening on <paramref name="instancePort"/> and waits until it is healthy.</summary>
    private async Task<ChildProcess> RunAsync(ResourceContext context, string processName, int instancePort, CancellationToken cancellationToken)
    {
        var assembly = AppHostProject.OutputAssemblyOf(ProjectPath);
        var instanceUrl = $"http://{(IsExternal ? "localhost" : "127.0.0.1")}:{instancePort}";
        var started = ChildProcess.Start(
            Spec(context, processName, [assembly], BuildEnvironment(context, instanceUrl)) with { StopTimeout = TimeSpan.FromSeconds(20) });
        var health = new Uri($"http://127.0.0.1:{instancePort}/health/ready");
        try
        {
            await Readiness.WaitAsync(
                processName, started, context.StartupTimeout, token => Readiness.HttpOkAsync(context.Http, health, token), cancellationToken);
        }
        catch when (processName != Name)
        {
            // A replica that never became healthy is nobody else's to stop.
            await started.StopAsync(CancellationToken.None);
            throw;
        }

        return started;
    }

    /// <summary>The explicit migration step: the project applies its migrations and exits 0, in the same environment.</summary>
    private async Task MigrateAsync(ResourceContext context, string assembly, Dictionary<string, string?> variables, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        migration = ChildProcess.Start(Spec(context, $"{Name}-migrate", [assembly, "migrate"], variables));
        int exitCode;
        try
        {
            exitCode = await migration.Exited.WaitAsync(MigrationTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name}: migrate did not finish within {MigrationTimeout.TotalMinutes:0} minutes.");
        }

        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{Name}: migrate exited with code {exitCode}.");
        }

        context.Console.Info($"{Name}: migrated ({clock.Elapsed.TotalSeconds:0.0} s)");
    }

    private ChildProcessSpec Spec(ResourceContext context, string processName, IReadOnlyList<string> arguments, Dictionary<string, string?> variables) =>
        new(processName, AppHostProject.DotNet, arguments)
        {
            Environment = variables,
            WorkingDirectory = Path.GetDirectoryName(ProjectPath),
            Output = context.OutputOf(Name),
            PidDirectory = context.State.PidDirectory,
        };

    /// <summary>Aspire's conventions: what a service knows of the world comes from here, and only from here.</summary>
    private Dictionary<string, string?> BuildEnvironment(ResourceContext context, string listenUrl)
    {
        var variables = new Dictionary<string, string?>();
        foreach (var inherited in System.Environment.GetEnvironmentVariables().Keys.OfType<string>()
                     .Where(key => key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                         || key.StartsWith("services__", StringComparison.OrdinalIgnoreCase)))
        {
            variables[inherited] = null; // references are the only source of addresses
        }

        foreach (var reference in references)
        {
            switch (reference)
            {
                case IResourceWithConnectionString target:
                    variables[$"ConnectionStrings__{target.Name}"] = target.ConnectionString;
                    break;
                case ProjectResource service:
                    variables[$"services__{service.Name}__http__0"] = service.Url;
                    break;
            }
        }

        variables["ASPNETCORE_URLS"] = listenUrl;
        variables["ASPNETCORE_ENVIRONMENT"] = "Development";
        variables["OTEL_SERVICE_NAME"] = Name;
        variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = context.OtlpEndpoint;
        variables["Authentication__DevelopmentSigningKey"] = context.SigningKey;
        foreach (var (variable, value) in environment.Concat(overrides))
        {
            variables[variable] = value;
        }

        return variables;
    }
}
