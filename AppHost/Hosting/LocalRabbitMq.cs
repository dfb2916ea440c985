using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// A private RabbitMQ node run from the Debian package, with the management plugin: its own node
/// name, Erlang cookie (HOME), Mnesia and log folders in <c>{stateDirectory}/rabbitmq/</c>, and its
/// AMQP, management and distribution ports on 127.0.0.1. The user is guest/guest (loopback only).
/// </summary>
public sealed class LocalRabbitMq : IAsyncDisposable
{
    public const string Host = "127.0.0.1";
    public const string UserName = "guest";
    public const string Password = "guest";
    private const string ProcessName = "rabbitmq";
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly ChildProcess process;
    private readonly HttpClient management;

    private LocalRabbitMq(ChildProcess process, string nodeName, int amqpPort, int managementPort, int distributionPort)
    {
        this.process = process;
        NodeName = nodeName;
        AmqpPort = amqpPort;
        ManagementPort = managementPort;
        DistributionPort = distributionPort;
        ManagementUri = new Uri($"http://{Host}:{managementPort}/");
        management = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = ManagementUri };
        management.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{UserName}:{Password}")));
    }

    public string NodeName { get; }

    public int AmqpPort { get; }

    public int ManagementPort { get; }

    public int DistributionPort { get; }

    /// <summary>The management UI and HTTP API.</summary>
    public Uri ManagementUri { get; }

    /// <summary>The AMQP URI of the default virtual host <c>/</c>.</summary>
    public string ConnectionString => ConnectionStringFor("/");

    public Task<int> Exited => process.Exited;

    /// <summary>Starts the node and returns once AMQP and the management API answer.</summary>
    /// <param name="stateDirectory">The state folder; the node keeps its data in its <c>rabbitmq/</c>.</param>
    /// <param name="amqpPort">0 picks a free port, as for the other ports.</param>
    /// <param name="output">Receives the node's console output (warnings and errors; the full log is in rabbitmq/log/).</param>
    public static async Task<LocalRabbitMq> StartAsync(
        string stateDirectory,
        int amqpPort = 0,
        int managementPort = 0,
        int distributionPort = 0,
        Action<string>? output = null,
        CancellationToken cancellationToken = default)
    {
        if (!File.Exists(ServerScript))
        {
            throw new InvalidOperationException($"RabbitMQ is not installed ({ServerScript} is missing): install the Debian package rabbitmq-server (./crm up does).");
        }

        var state = new StateDirectory(stateDirectory);
        await PidFiles.StopLeftoversAsync(state.PidDirectory, ProcessName);
        var home = Directory.CreateDirectory(state.Combine("rabbitmq")).FullName;
        Directory.CreateDirectory(Path.Combine(home, "home"));
        amqpPort = Ports.FreeWhenZero(amqpPort);
        managementPort = Ports.FreeWhenZero(managementPort);
        distributionPort = Ports.FreeWhenZero(distributionPort);

        // One node per state folder: its name must not collide with another folder's node in the shared epmd.
        var nodeName = $"crm-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state.Path)))[..8]}@localhost";
        await File.WriteAllTextAsync(Path.Combine(home, "rabbitmq.conf"), $"""
            listeners.tcp.local = {Host}:{amqpPort}
            management.tcp.ip = {Host}
            management.tcp.port = {managementPort}
            log.console = true
            log.console.level = warning
            log.file = rabbit.log
            log.file.level = info
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(home, "enabled_plugins"), "[rabbitmq_management].\n", cancellationToken);

        var process = ChildProcess.Start(new ChildProcessSpec(ProcessName, ServerScript, [])
        {
            Environment = ServerEnvironment(home, nodeName, distributionPort),
            WorkingDirectory = home,
            Output = output,
            StopTimeout = TimeSpan.FromSeconds(30),
            PidDirectory = state.PidDirectory,
        });

        var rabbitMq = new LocalRabbitMq(process, nodeName, amqpPort, managementPort, distributionPort);
        try
        {
            await Readiness.WaitAsync($"RabbitMQ on port {amqpPort}", process, StartTimeout, rabbitMq.ProbeAsync, cancellationToken);
            return rabbitMq;
        }
        catch
        {
            await rabbitMq.DisposeAsync();
            throw;
        }
    }

    /// <summary>The AMQP URI of <paramref name="virtualHost"/> (<c>/</c> is the default one).</summary>
    public string ConnectionStringFor(string virtualHost) =>
        $"amqp://{UserName}:{Password}@{Host}:{AmqpPort}/{(virtualHost == "/" ? string.Empty : Uri.EscapeDataString(virtualHost))}";

    /// <summary>Creates <paramref name="name"/> (if missing) and gives guest every permission on it.</summary>
    public async Task CreateVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        var vhost = Uri.EscapeDataString(name);
        using var created = await management.PutAsync(new Uri($"api/vhosts/{vhost}", UriKind.Relative), null, cancellationToken);
        created.EnsureSuccessStatusCode();
        using var permitted = await management.PutAsJsonAsync(
            new Uri($"api/permissions/{vhost}/{UserName}", UriKind.Relative),
            new { configure = ".*", write = ".*", read = ".*" },
            cancellationToken);
        permitted.EnsureSuccessStatusCode();
    }

    /// <summary>Deletes <paramref name="name"/> with its queues and exchanges, if it exists.</summary>
    public async Task DeleteVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        using var deleted = await management.DeleteAsync(new Uri($"api/vhosts/{Uri.EscapeDataString(name)}", UriKind.Relative), cancellationToken);
        if (deleted.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            deleted.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Stops the node (SIGTERM: a clean shutdown) and waits until it has exited.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        management.Dispose();
    }

    internal Task StopAsync(CancellationToken force) => process.StopAsync(force);

    internal void Kill() => process.Kill();

    private static Dictionary<string, string?> ServerEnvironment(string home, string nodeName, int distributionPort) => new()
    {
        ["HOME"] = Path.Combine(home, "home"), // the Erlang cookie
        ["RABBITMQ_NODENAME"] = nodeName,
        ["RABBITMQ_DIST_PORT"] = $"{distributionPort}",
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(home, "rabbitmq.conf"),
        ["RABBITMQ_CONFIG_FILES"] = Path.Combine(home, "conf.d"),
        ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(home, "advanced.config"),
        ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(home, "rabbitmq-env.conf"), // not /etc/rabbitmq's
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(home, "enabled_plugins"),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(home, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(home, "log"),
        ["RABBITMQ_PID_FILE"] = Path.Combine(home, "rabbitmq.pid"),
        ["RABBITMQ_LOGS"] = null,
        ["RABBITMQ_NODE_PORT"] = null,
        ["RABBITMQ_NODE_IP_ADDRESS"] = null,
        ["RABBITMQ_ALLOW_INPUT"] = null,
    };

    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        await Readiness.TcpAsync(Host, AmqpPort, cancellationToken);
        return await Readiness.HttpOkAsync(management, new Uri("api/overview", UriKind.Relative), cancellationToken);
    }
}
