using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CrmCloud.AppHost.Hosting;

/// <summary>What resources need while they start: configuration, the state folder, the console, ports.</summary>
internal sealed class ResourceContext(IConfiguration configuration, StateDirectory state, ResourceConsole console, HttpClient http)
{
    private readonly Lazy<string> signingKey = new(state.DevelopmentSigningKey);

    public StateDirectory State { get; } = state;

    public ResourceConsole Console { get; } = console;

    /// <summary>For health probes: no proxy between us and our own children.</summary>
    public HttpClient Http { get; } = http;

    public string SigningKey => signingKey.Value;

    /// <summary>How long a project may take to become healthy (<c>StartupTimeout</c>, seconds).</summary>
    public TimeSpan StartupTimeout => TimeSpan.FromSeconds(configuration.GetValue("StartupTimeout", 120));

    /// <summary>Where telemetry goes (<c>Dashboard:OtlpEndpoint</c>), when anywhere.</summary>
    public string? OtlpEndpoint => configuration["Dashboard:OtlpEndpoint"];

    /// <summary>An existing server to use instead of starting one (<c>ConnectionStrings:{name}</c>).</summary>
    public string? ExternalConnectionString(string name) => configuration.GetConnectionString(name);

    public Action<string> OutputOf(string name) => Console.For(name);

    /// <summary>
    /// The port for <paramref name="resource"/>'s <paramref name="key"/>: configured (<c>--{resource}:{key}=N</c>),
    /// else the declared default unless <c>FreePorts</c> is set; 0 picks a free one. A fixed port must be free.
    /// </summary>
    public int Port(string resource, string key, int? declared)
    {
        var configured = configuration[$"{resource}:{key}"];
        var port = configured is not null
            ? int.Parse(configured, NumberStyles.None, CultureInfo.InvariantCulture)
            : configuration.GetValue("FreePorts", false) ? 0 : declared ?? 0;
        if (port == 0)
        {
            return Ports.Free();
        }

        return Ports.IsAvailable(port)
            ? port
            : throw new InvalidOperationException(
                $"Port {port} ({resource} {key}) is in use: choose another with --{resource}:{key}=<port>, 0 for a free one, or --FreePorts=true for all.");
    }
}
