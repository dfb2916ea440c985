using System.Net.Sockets;
using System.Text;

namespace CrmCloud.AppHost.Hosting;

/// <summary>A private Redis server run from the Debian package, on 127.0.0.1, its files in <c>{stateDirectory}/redis/</c>.</summary>
public sealed class LocalRedis : IAsyncDisposable
{
    public const string Host = "127.0.0.1";
    private const string ProcessName = "redis";
    private const string Server = "/usr/bin/redis-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ChildProcess process;

    private LocalRedis(ChildProcess process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string: <c>127.0.0.1:port</c>.</summary>
    public string ConnectionString => $"{Host}:{Port}";

    public Task<int> Exited => process.Exited;

    /// <summary>Starts the server and returns once it answers PING.</summary>
    /// <param name="port">0 picks a free port.</param>
    /// <param name="persistent">True keeps an append-only file and snapshots; false keeps nothing on disk.</param>
    public static async Task<LocalRedis> StartAsync(
        string stateDirectory, int port = 0, bool persistent = true, Action<string>? output = null, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Server))
        {
            throw new InvalidOperationException($"Redis is not installed ({Server} is missing): install the Debian package redis-server (./crm up does).");
        }

        var state = new StateDirectory(stateDirectory);
        await PidFiles.StopLeftoversAsync(state.PidDirectory, ProcessName);
        var home = Directory.CreateDirectory(state.Combine("redis")).FullName;
        port = Ports.FreeWhenZero(port);
        string[] persistence = persistent ? ["--appendonly", "yes"] : ["--appendonly", "no", "--save", ""];
        var process = ChildProcess.Start(new ChildProcessSpec(
            ProcessName,
            Server,
            ["--bind", Host, "--port", $"{port}", "--dir", home, "--daemonize", "no", "--logfile", "", .. persistence])
        {
            WorkingDirectory = home,
            Output = output,
            PidDirectory = state.PidDirectory,
        });

        var redis = new LocalRedis(process, port);
        try
        {
            await Readiness.WaitAsync($"Redis on port {port}", process, StartTimeout, redis.PingAsync, cancellationToken);
            return redis;
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server (SIGTERM: it saves what it keeps) and waits until it has exited.</summary>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    internal Task StopAsync(CancellationToken force) => process.StopAsync(force);

    private async Task<string?> PingAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(Host, Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, cancellationToken);
        var answer = Encoding.ASCII.GetString(buffer, 0, read).Trim();
        return answer == "+PONG" ? null : $"PING answered {answer}";
    }
}
