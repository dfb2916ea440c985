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
    private ChildProcess? migration;
    private ChildProcess? process;
    private string? url;

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

        var port = context.Port(Name, "Port", Port);
        url = $"http://{(IsExternal ? "localhost" : "127.0.0.1")}:{port}";
        var variables = BuildEnvironment(context);
        if (RunsMigrations)
        {
            await MigrateAsync(context, assembly, variables, cancellationToken);
        }

        process = ChildProcess.Start(Spec(context, Name, [assembly], variables) with { StopTimeout = TimeSpan.FromSeconds(20) });
        var health = new Uri($"http://127.0.0.1:{port}/health/ready");
        await Readiness.WaitAsync(
            Name, process, context.StartupTimeout, token => Readiness.HttpOkAsync(context.Http, health, token), cancellationToken);
    }

    internal override async Task StopAsync(CancellationToken force)
    {
        await (migration?.StopAsync(force) ?? Task.CompletedTask);
        await (process?.StopAsync(force) ?? Task.CompletedTask);
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
    private Dictionary<string, string?> BuildEnvironment(ResourceContext context)
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

        variables["ASPNETCORE_URLS"] = url;
        variables["ASPNETCORE_ENVIRONMENT"] = "Development";
        variables["OTEL_SERVICE_NAME"] = Name;
        variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = context.OtlpEndpoint;
        variables["Authentication__DevelopmentSigningKey"] = context.SigningKey;
        foreach (var (variable, value) in environment)
        {
            variables[variable] = value;
        }

        return variables;
    }
}
