using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CrmCloud.Bench.Harness;

/// <summary>
/// The system as <c>./crm up</c> runs it: started here on free ports with its own state folder, or one already
/// running. Everything else is found in the state folder: <c>pids/</c> names each child process, and a process's
/// environment holds the addresses the AppHost gave it (the gateway's <c>services__contacts__http__0</c>, contacts'
/// <c>ConnectionStrings__contactsdb</c>), so both ways read the same facts.
/// </summary>
internal sealed partial class SystemUnderTest : IAsyncDisposable
{
    public const string AppHost = "AppHost/bin/Release/net10.0/AppHost.dll";

    private readonly Process? appHost;

    private SystemUnderTest(string gateway, string state, Process? appHost, TimeSpan? coldStart)
    {
        Gateway = gateway.TrimEnd('/');
        State = state;
        this.appHost = appHost;
        ColdStart = coldStart;
        Contacts = Variable("gateway", "services__contacts__http__0").TrimEnd('/');
        ContactsDatabase = Variable("contacts", "ConnectionStrings__contactsdb");
    }

    public string Gateway { get; }

    public string Contacts { get; }

    public string ContactsDatabase { get; }

    public string State { get; }

    /// <summary>The broker, as contacts publishes to it.</summary>
    public string Messaging => Variable("contacts", "ConnectionStrings__messaging");

    /// <summary>The database of <paramref name="service"/> (its process name: billing, sales...).</summary>
    public string Database(string service) => Variable(service, $"ConnectionStrings__{service}db");

    /// <summary>From the AppHost's start to its "is up" line (migrations and every readiness check included); null when attached.</summary>
    public TimeSpan? ColdStart { get; }

    public static SystemUnderTest Attach(string gateway, string state) => new(gateway, Path.GetFullPath(state), null, null);

    /// <summary>
    /// Starts the AppHost and waits for its "CrmCloud is up: gateway=..." line. Its output goes to <c>apphost.log</c>
    /// in the state folder. <paramref name="environment"/> reaches every child (the AppHost passes its own on).
    /// </summary>
    public static async Task<SystemUnderTest> StartAsync(string state, IDictionary<string, string> environment, TimeSpan timeout)
    {
        Directory.CreateDirectory(state);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { AppHost, "up", $"--StateDirectory={state}", "--FreePorts=true" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var log = new StreamWriter(Path.Combine(state, "apphost.log")) { AutoFlush = true };
        var up = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Record(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.WriteLine(line);
            }

            if (UpLine().Match(line) is { Success: true } match)
            {
                up.TrySetResult(match.Groups["gateway"].Value);
            }
        }

        var clock = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException("The AppHost did not start.");
        process.OutputDataReceived += (_, line) => Record(line.Data);
        process.ErrorDataReceived += (_, line) => Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(up.Task, exited, Task.Delay(timeout)) != up.Task)
        {
            await StopAsync(process);
            throw new InvalidOperationException($"The system did not come up within {timeout.TotalSeconds:0} s: see {Path.Combine(state, "apphost.log")}.");
        }

        return new SystemUnderTest(await up.Task, state, process, clock.Elapsed);
    }

    /// <summary>Resident memory (VmRSS) of each service process recorded in the state folder, by name.</summary>
    public SortedDictionary<string, long> ResidentMemory()
    {
        var memory = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(State, "pids"), "*.pid"))
        {
            var pid = Pid(file);
            // The services run as "dotnet Name.dll"; the servers (postgres, beam.smp, redis) are not ours to size.
            if (pid is null || !File.ReadAllText($"/proc/{pid}/cmdline").Contains(".dll", StringComparison.Ordinal))
            {
                continue;
            }

            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(line => line.StartsWith("VmRSS:", StringComparison.Ordinal));
            if (line is not null)
            {
                memory[Path.GetFileNameWithoutExtension(file)] = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return memory;
    }

    /// <summary>Set after a clean run: the state folder of a system started here is deleted with it (a failed run keeps it, logs included).</summary>
    public bool DiscardState { get; set; }

    public async ValueTask DisposeAsync()
    {
        if (appHost is not null)
        {
            await StopAsync(appHost);
            appHost.Dispose();
            if (DiscardState)
            {
                Directory.Delete(State, recursive: true);
            }
        }
    }

    /// <summary>SIGINT, as Ctrl-C: the AppHost stops its children in order.</summary>
    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        await Tool.RunAsync("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(patience.Token);
    }

    private string Variable(string process, string name)
    {
        var file = Path.Combine(State, "pids", process + ".pid");
        var pid = Pid(file) ?? throw new InvalidOperationException($"{process} is not running under {State} (no {file}).");
        var prefix = name + "=";
        return File.ReadAllText($"/proc/{pid}/environ").Split('\0').FirstOrDefault(entry => entry.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
            ?? throw new InvalidOperationException($"{process} (pid {pid}) has no {name} in its environment.");
    }

    private static int? Pid(string file) =>
        File.Exists(file) && int.TryParse(File.ReadAllText(file).Split(' ')[0], CultureInfo.InvariantCulture, out var pid) && Directory.Exists($"/proc/{pid}")
            ? pid
            : null;

    [GeneratedRegex(@"is up: .*gateway=(?<gateway>\S+)")]
    private static partial Regex UpLine();
}
