using System.Security.Cryptography;
using Npgsql;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// A private PostgreSQL server run from the Debian packages, its cluster in
/// <c>{stateDirectory}/postgres/</c>, listening on 127.0.0.1 only (unix socket inside the state folder).
/// The superuser is <c>postgres</c> with a password generated once and kept in the state folder.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    public const string Host = "127.0.0.1";
    public const string UserName = PostgresCluster.SystemUser;
    private const string ProcessName = "postgres";
    internal const string PasswordSecret = "postgres-password";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess process;

    private LocalPostgres(ChildProcess process, int port, string password, string dataDirectory)
    {
        this.process = process;
        Port = port;
        Password = password;
        DataDirectory = dataDirectory;
    }

    public int Port { get; }

    public string Password { get; }

    public string DataDirectory { get; }

    /// <summary>The superuser's connection string to the <c>postgres</c> database.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>Completes when the server exits (on its own, or after <see cref="DisposeAsync"/>).</summary>
    public Task<int> Exited => process.Exited;

    /// <summary>
    /// Starts the server (creating its cluster on first use) and returns once it accepts connections.
    /// </summary>
    /// <param name="stateDirectory">The state folder; the cluster lives in its <c>postgres/</c>.</param>
    /// <param name="port">The TCP port; 0 picks a free one.</param>
    /// <param name="persistent">False trades durability for speed (no fsync), for throw-away test data.</param>
    /// <param name="output">Receives the server's log lines.</param>
    public static async Task<LocalPostgres> StartAsync(
        string stateDirectory, int port = 0, bool persistent = true, Action<string>? output = null, CancellationToken cancellationToken = default)
    {
        var state = new StateDirectory(stateDirectory);
        output ??= _ => { };
        await PidFiles.StopLeftoversAsync(state.PidDirectory, ProcessName);

        var binDirectory = PostgresCluster.BinDirectory();
        var home = state.Combine("postgres");
        if (!state.HasSecret(PasswordSecret) && File.Exists(Path.Combine(home, "data", "PG_VERSION")))
        {
            throw new InvalidOperationException(
                $"The PostgreSQL cluster in {home} exists but its password ({state.Combine("secrets", PasswordSecret)}) is gone: delete {home} to start afresh.");
        }

        var password = state.Secret(PasswordSecret, () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        await PostgresCluster.InitializeAsync(binDirectory, home, password, output, cancellationToken);

        port = Ports.FreeWhenZero(port);
        string[] settings = persistent ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
        var (fileName, arguments) = PostgresCluster.AsServerUser(
            Path.Combine(binDirectory, "postgres"),
            ["-D", Path.Combine(home, "data"), "-p", $"{port}", "-k", Path.Combine(home, "run"),
             "-c", "listen_addresses=" + Host, "-c", "max_connections=300", .. settings]);
        var process = ChildProcess.Start(new ChildProcessSpec(ProcessName, fileName, arguments)
        {
            Output = output,
            StopSignal = UnixProcess.SigInt, // "fast" shutdown: SIGTERM would wait for every client to disconnect
            StopTimeout = TimeSpan.FromSeconds(30),
            PidDirectory = state.PidDirectory,
        });

        var postgres = new LocalPostgres(process, port, password, Path.Combine(home, "data"));
        try
        {
            await Readiness.WaitAsync(
                $"PostgreSQL on port {port}", process, StartTimeout,
                token => PostgresDatabases.ProbeAsync(postgres.ConnectionString, token), cancellationToken);
            return postgres;
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Database = database,
            Username = UserName,
            Password = Password,
        }.ConnectionString;

    /// <summary>Creates <paramref name="name"/> unless it exists; returns whether it was created.</summary>
    public Task<bool> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default) =>
        PostgresDatabases.EnsureCreatedAsync(ConnectionString, name, cancellationToken);

    public Task DropDatabaseAsync(string name, CancellationToken cancellationToken = default) =>
        PostgresDatabases.DropAsync(ConnectionString, name, cancellationToken);

    /// <summary>Stops the server (fast shutdown) and waits until it has exited.</summary>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    internal Task StopAsync(CancellationToken force) => process.StopAsync(force);

    internal void Kill() => process.Kill();
}
