using System.Diagnostics;
using System.Globalization;
using CrmCloud.TestInfrastructure;

namespace CrmCloud.Faults;

/// <summary>One row of the report: a fault, the writes sent while it lasted and what the check found after it.</summary>
internal sealed record FaultResult(
    string Fault, string Description, int Accepted, int Failed, int TimedOut, int Refused, Verdict Verdict, TimeSpan? Recovery, bool Healthy)
{
    public bool Passed => Verdict.Settled && Healthy && Recovery is not null;
}

/// <summary>
/// The faults one after another against one running system, each in a window of steady load: load before the fault,
/// the fault, load after it; then the load stops and the drill waits (with a deadline) until the system is quiet and
/// every check passes: all services healthy, nothing lost, doubled or half-written, no event left in an outbox.
/// </summary>
internal sealed class Drill(RunningSystem system, LoadDriver load, Consistency consistency, IReadOnlyDictionary<string, Uri> services, DrillTimes times)
{
    private static readonly TimeSpan ControlTimeout = TimeSpan.FromMinutes(3);
    private const int MostWarningLines = 60;

    public RunningSystem System => system;

    public Task<string> ControlAsync(string request)
    {
        Log($"  {request}");
        return system.ControlAsync(request, ControlTimeout);
    }

    /// <summary>The fault's outage, while the load goes on.</summary>
    public static Task OutageAsync(TimeSpan outage) => Task.Delay(outage);

    /// <summary>More load before the next step of a fault.</summary>
    public static Task LoadAsync(TimeSpan duration) => Task.Delay(duration);

    public async Task<FaultResult> RunAsync(Fault fault)
    {
        Log($"{fault.Name}: {fault.Description}");
        var outputBefore = system.Output.Length;
        using var stopLoad = new CancellationTokenSource();
        var loading = load.RunAsync(fault.Name, stopLoad.Token);
        TimeSpan? recovery;
        Verdict verdict;
        bool healthy;
        try
        {
            await Task.Delay(times.Before);
            await fault.InjectAsync(this);
            var restored = Stopwatch.StartNew();
            await Task.Delay(times.After);
            await stopLoad.CancelAsync();
            await loading;
            (verdict, healthy) = await SettleAsync();
            recovery = verdict.Settled && healthy ? restored.Elapsed : null;
        }
        finally
        {
            await stopLoad.CancelAsync();
            await loading;
        }

        await fault.CleanUpAsync(this);
        var writes = load.Writes.Where(write => write.Window == fault.Name).ToList();
        var result = new FaultResult(
            fault.Name, fault.Description,
            writes.Count(write => write.Outcome == Outcome.Accepted),
            writes.Count(write => write.Outcome == Outcome.Failed),
            writes.Count(write => write.Outcome == Outcome.TimedOut),
            writes.Count(write => write.Outcome == Outcome.Refused),
            verdict, recovery, healthy);
        Log($"  {(result.Passed ? "passed" : "FAILED")}: {verdict.Verified} effects verified, {verdict.Lost} lost, {verdict.Duplicated} duplicated, {verdict.Partial} partial, outbox backlog {verdict.Backlog}");
        foreach (var problem in verdict.Problems)
        {
            Log($"    {problem}");
        }

        if (!result.Passed)
        {
            // The state folder is kept, but a CI log is often all there is to read: the services' own warnings say where it stuck.
            foreach (var line in Warnings(system.Output[outputBefore..], MostWarningLines))
            {
                Log($"    | {line}");
            }
        }

        return result;
    }

    /// <summary>Checks until every service is healthy and the data has settled, or the deadline passes (the last look is the verdict).</summary>
    public async Task<(Verdict Verdict, bool Healthy)> SettleAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var healthy = await AllHealthyAsync();
            Verdict verdict;
            try
            {
                verdict = await consistency.CheckAsync([.. load.Writes]);
            }
            catch (Npgsql.NpgsqlException exception) when (deadline.Elapsed < times.Settle)
            {
                Log($"  (cannot read the databases yet: {exception.Message})");
                await Task.Delay(TimeSpan.FromSeconds(1));
                continue;
            }

            // A duplicate never heals: no need to wait for it. (A stray effect may: its cause can commit after it was read.)
            if ((verdict.Settled && healthy) || verdict.Duplicated > 0 || deadline.Elapsed > times.Settle)
            {
                return (verdict, healthy);
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private async Task<bool> AllHealthyAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(3) };
        foreach (var (_, service) in services)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(service, "/health/ready"));
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The last warnings and errors the processes logged (the console format's level line, the message under it and an exception's first line).</summary>
    private static IEnumerable<string> Warnings(string output, int most)
    {
        var lines = output.Split('\n');
        var found = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains("warn: ", StringComparison.Ordinal) || lines[i].Contains("fail: ", StringComparison.Ordinal) || lines[i].Contains("crit: ", StringComparison.Ordinal))
            {
                found.AddRange(lines.Skip(i).Take(3).Select(line => line.TrimEnd()));
            }
        }

        return found.TakeLast(most);
    }

    public static void Log(string line) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss} {line}"));
}

/// <summary>How long each part of a fault's window lasts, and how long the system may take to settle after it.</summary>
internal sealed record DrillTimes(TimeSpan Before, TimeSpan After, TimeSpan Settle);
