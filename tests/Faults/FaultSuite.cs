using System.Diagnostics;
using System.Globalization;
using CrmCloud.TestInfrastructure;

namespace CrmCloud.Faults;

/// <summary>
/// The suite: starts the whole system (its own state folder and free ports, the AppHost's control folder on), makes a
/// baseline in a tenant of its own, runs each fault under load with its check, then the poison-message drill, and prints
/// one row per fault. Exit code 0 only when every row passed. <c>--short</c> is the CI version: fewer faults, less load.
/// </summary>
internal static class FaultSuite
{
    private static readonly string[] Consumers = ["contacts", "sales", "support", "billing", "campaign"];

    public static async Task<int> RunAsync(bool isShort, bool keepState)
    {
        var clock = Stopwatch.StartNew();
        var system = new RunningSystem { AppHostArguments = ["--Control=true"] };
        var passed = false;
        try
        {
            Drill.Log("starting the system...");
            await system.InitializeAsync();
            Drill.Log($"up at {system.Gateway} (state {system.StateDirectory})");
            passed = await RunAgainstAsync(system, isShort);
        }
        catch (Exception exception)
        {
            Drill.Log($"the suite broke off: {exception}");
        }
        finally
        {
            // A failed run keeps the state folder (the servers' data and logs) to look into.
            system.KeepsState = keepState || !passed;
            await File.WriteAllTextAsync(Path.Combine(system.StateDirectory, "apphost.log"), system.Output);
            await system.DisposeAsync();
            if (system.KeepsState)
            {
                Drill.Log($"state folder kept: {system.StateDirectory} (apphost.log holds every process's output)");
            }
        }

        Drill.Log($"{(passed ? "passed" : "FAILED")} in {clock.Elapsed.TotalMinutes:0.0} min");
        return passed ? 0 : 1;
    }

    private static async Task<bool> RunAgainstAsync(RunningSystem system, bool isShort)
    {
        var tenant = $"faults-{Guid.NewGuid():N}"[..20];
        var gateway = await system.ClientForAsync(tenant);
        gateway.Timeout = Timeout.InfiniteTimeSpan; // each write has its own deadline
        var databases = Consumers.ToDictionary(service => service, service => system.EnvironmentOf(service, $"ConnectionStrings__{service}db"));
        var services = Consumers.ToDictionary(service => service, service => new Uri(system.EnvironmentOf("gateway", $"services__{service}__http__0")));
        services["gateway"] = system.Gateway;
        var consistency = new Consistency(databases, tenant);

        var baseline = await Baseline.CreateAsync(gateway, isShort ? 6 : 12);
        Drill.Log($"baseline: {baseline.Customers.Count} customers in tenant {tenant}");
        var load = new LoadDriver(gateway, baseline, isShort ? 10 : 25);
        // The settle deadline is the same for both: a drill ends as soon as the system has settled, and a loaded CI
        // machine needs the time as much as the full run does.
        var settle = TimeSpan.FromSeconds(180);
        var times = isShort
            ? new DrillTimes(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(8), settle)
            : new DrillTimes(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), settle);
        var drill = new Drill(system, load, consistency, services, times);
        Fault[] faults = isShort
            ? [new BrokerOutage(TimeSpan.FromSeconds(10)), new ServiceKilled("billing", TimeSpan.FromSeconds(3))]
            :
            [
                new BrokerOutage(TimeSpan.FromSeconds(20)),
                new ServiceKilled("billing", TimeSpan.FromSeconds(5)),
                new DatabaseRestart(),
                new NetworkCut("sales", TimeSpan.FromSeconds(20)),
                new CompetingConsumers(Consumers, TimeSpan.FromSeconds(30)),
            ];

        var results = new List<FaultResult>();
        foreach (var fault in faults)
        {
            results.Add(await drill.RunAsync(fault));
        }

        Drill.Log("poison message: parked with its reason, replayed once the cause is fixed");
        using var errorQueues = ErrorQueues.Of(system.StateDirectory);
        var poison = await new PoisonDrill(gateway, baseline, databases["contacts"], errorQueues, consistency).RunAsync();
        Drill.Log(poison is null ? "  passed" : $"  FAILED: {poison}");

        Console.WriteLine(Table(results, load.Skipped, poison));
        return results.All(result => result.Passed) && poison is null;
    }

    private static string Table(IReadOnlyList<FaultResult> results, int skipped, string? poison)
    {
        var lines = new List<string>
        {
            "",
            "| fault | writes accepted | 5xx | timed out | 4xx | effects verified | lost | duplicated | partial | recovered in | healthy |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        };
        lines.AddRange(results.Select(result => string.Create(
            CultureInfo.InvariantCulture,
            $"| {result.Description} | {result.Accepted} | {result.Failed} | {result.TimedOut} | {result.Refused} | {result.Verdict.Verified} | {result.Verdict.Lost} | {result.Verdict.Duplicated} | {result.Verdict.Partial} | {(result.Recovery is { } recovery ? $"{recovery.TotalSeconds:0.0} s" : "never")} | {(result.Healthy ? "yes" : "no")} |")));
        lines.Add("");
        lines.Add($"Effects verified count every record of the tenant so far against its owner and each consumer, after each fault. Writes skipped with {LoadDriver.MostInFlight} in flight: {skipped}.");
        lines.Add($"Poison message (parked with its reason in {PoisonDrill.ErrorQueue}, replayed after the fix, stored once): {(poison is null ? "passed" : "FAILED: " + poison)}");
        return string.Join(Environment.NewLine, lines);
    }
}
