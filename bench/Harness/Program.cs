using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using CrmCloud.Bench;
using CrmCloud.Bench.Harness;
using Npgsql;

// bench/Harness: ./crm bench runs it from the repository root, after a Release build.
//   [--smoke] [--gateway <url> --state <state folder of a running ./crm up>] [--scenario propagation [--rate <creates/s>]]
// Without --gateway it starts the system itself (a fresh state folder, free ports) and stops it at the end.
// --scenario propagation runs scenario 3 alone (at --rate, the plan's rate by default) and prints its rows.
var smoke = args.Contains("--smoke");
Options options;
try
{
    options = Options.Parse(args.Where(arg => arg != "--smoke"));
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine($"{exception.Message}\nUsage: ./crm bench [--smoke] [--gateway <url> --state <state folder>] [--scenario propagation [--rate <creates/s>]]");
    return 2;
}

var plan = smoke ? Plan.Smoke : Plan.Full;
plan = plan with { PropagationRate = options.Number("rate", plan.PropagationRate) };
var scenario = options.Optional("scenario");
if (scenario is not (null or "propagation"))
{
    Console.Error.WriteLine($"--scenario {scenario}: the scenario run alone can be propagation.");
    return 2;
}

const string Seed = "bench/Seed/bin/Release/net10.0/Seed.dll";
var at = DateTimeOffset.UtcNow;
var run = at.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
var tenant = $"bench-{run}";
// The seed's ids come from its random seed: a run of its own keeps a second run into the same database apart.
// Scenario 4's tenants take the seeds after it, one each.
var seed = (int)(at.ToUnixTimeSeconds() % (int.MaxValue - 100));
var machine = Machine.Here();

await using var system = options.Optional("gateway") is { } gateway
    ? SystemUnderTest.Attach(gateway, options.Required("state"))
    : await StartAsync(run);
Say($"system: gateway {system.Gateway}, contacts {system.Contacts}" + (system.ColdStart is { } cold ? $", up in {cold.TotalSeconds:0.0} s" : ", attached"));
if (scenario == "propagation")
{
    var alone = await PropagateAsync((await Tool.RunAsync("dotnet", [SystemUnderTest.AppHost, "token", "--tenant", tenant, $"--StateDirectory={system.State}"])).Trim());
    Console.WriteLine();
    Console.WriteLine(Report.Table(PropagationRows(alone.Propagation, alone.Broker)));
    var missing = alone.Propagation.Creates.Failures > 0 || alone.Propagation.Copies.Any(copy => copy.Found == 0 || copy.Missing > 0);
    system.DiscardState = !missing;
    return missing ? 1 : 0;
}

Say($"seeding {plan.People} people for tenant {tenant}...");
Say((await Tool.RunAsync("dotnet", [Seed, "people", "--tenant", tenant, "--count", Argument(plan.People), "--seed", Argument(seed), "--connection", system.ContactsDatabase])).Trim());
var token = (await Tool.RunAsync("dotnet", [SystemUnderTest.AppHost, "token", "--tenant", tenant, $"--StateDirectory={system.State}"])).Trim();
var ids = await PeopleAsync(system.ContactsDatabase, tenant);
var idle = system.ResidentMemory();

// One request of each kind first: a refusal says why here, where wrk would only count it.
await ProbeAsync(system.Gateway, token, HttpMethod.Get, $"/api/v1/people/{ids[0]}", null);
await ProbeAsync(system.Contacts, token, HttpMethod.Get, $"/api/v1/people/{ids[0]}", null);
await ProbeAsync(system.Gateway, token, HttpMethod.Post, "/api/v1/people", Wrk.PersonBody($"{run}-probe"));

// 1. Gateway overhead: the same read through the gateway and straight at contacts, saturated; then each at half the
// gateway's saturating rate, paced (an open model), for the latency the gateway adds when it is not the bottleneck.
var read = Wrk.ReadPeople(ids);
Say("1. gateway overhead: warming up, then saturating each path...");
await Wrk.RunAsync(system.Gateway, token, read, plan.Connections, plan.Warmup);
await Wrk.RunAsync(system.Contacts, token, read, plan.Connections, plan.Warmup);
var directLoad = await Wrk.RunAsync(system.Contacts, token, read, plan.Connections, plan.Duration);
var gatewayLoad = await Wrk.RunAsync(system.Gateway, token, read, plan.Connections, plan.Duration);
var halfRate = Math.Max(1, gatewayLoad.RequestsPerSecond / 2);
Say($"1. gateway overhead: latency at {halfRate:0} req/s, half the gateway's saturating rate...");
HttpRequestMessage ReadPerson(long index) => new(HttpMethod.Get, $"/api/v1/people/{ids[index % ids.Length]}");
var directPaced = await Paced.HttpAsync(system.Contacts, token, halfRate, plan.Duration, ReadPerson);
var gatewayPaced = await Paced.HttpAsync(system.Gateway, token, halfRate, plan.Duration, ReadPerson);

// 3. Event propagation, before the write path's load leaves the consumers a backlog.
var (propagation, broker) = await PropagateAsync(token);

// 2. Write path: creates through the gateway against pgbench's inserts of the same row into the same PostgreSQL.
Say("2. write path: creates through the gateway, then pgbench...");
var loaded = new SortedDictionary<string, long>(StringComparer.Ordinal);
var create = Wrk.CreatePeople(run);
await Wrk.RunAsync(system.Gateway, token, create, plan.Connections, plan.Warmup);
var creates = await Wrk.RunAsync(system.Gateway, token, create, plan.Connections, plan.Duration, () => loaded = system.ResidentMemory());
var inserts = await Pgbench.InsertPeopleAsync(system.ContactsDatabase, plan.Connections, plan.Duration);

// 4. Search and list at scale: one large tenant and ten smaller ones beside it in the same tables.
var large = $"{tenant}-large";
Say($"4. search and list: seeding {plan.LargeTenant:N0} people for {large} and {plan.SmallTenants} tenants of {plan.SmallTenant:N0}...");
var seeding = Stopwatch.StartNew();
Say((await Tool.RunAsync("dotnet", [Seed, "people", "--tenant", large, "--count", Argument(plan.LargeTenant), "--seed", Argument(seed + 1), "--connection", system.ContactsDatabase])).Trim());
Say((await Tool.RunAsync("dotnet", [Seed, "people", "--tenant", $"{tenant}-small", "--tenants", Argument(plan.SmallTenants), "--count", Argument(plan.SmallTenant), "--seed", Argument(seed + 2), "--connection", system.ContactsDatabase])).Trim());
seeding.Stop();
Say($"4. search and list: timing each kind over {large}, through the gateway and straight at PostgreSQL...");
var largeToken = (await Tool.RunAsync("dotnet", [SystemUnderTest.AppHost, "token", "--tenant", large, $"--StateDirectory={system.State}"])).Trim();
var scale = await SearchAtScale.RunAsync(system, largeToken, large, plan.Samples, plan.SampleWarmup, plan.DeepPage);

var largestIdle = idle.MaxBy(pair => pair.Value);
var largestLoaded = loaded.MaxBy(pair => pair.Value);
const long Budget = 200L * 1024 * 1024;
var people = Number(plan.LargeTenant);
Row[] rows =
[
    new("1. gateway overhead: GET /api/v1/people/{id}, throughput", Rate(gatewayLoad), $"{Rate(directLoad)} straight at contacts", Ratio(gatewayLoad.RequestsPerSecond, directLoad.RequestsPerSecond), "≥ 0.85", gatewayLoad.RequestsPerSecond / directLoad.RequestsPerSecond >= 0.85),
    new($"1. gateway overhead: added latency p50 at {halfRate:0} req/s (half the saturating rate)", Ms(gatewayPaced.P50), $"{Ms(directPaced.P50)} straight at contacts", Added(gatewayPaced.P50 - directPaced.P50), "≤ +0.5 ms", gatewayPaced.P50 - directPaced.P50 <= 0.5),
    new($"1. gateway overhead: added latency p99 at {halfRate:0} req/s (half the saturating rate)", Ms(gatewayPaced.P99), $"{Ms(directPaced.P99)} straight at contacts", Added(gatewayPaced.P99 - directPaced.P99), "≤ +2 ms", gatewayPaced.P99 - directPaced.P99 <= 2),
    new("2. write path: POST /api/v1/people through the gateway", $"{Rate(creates)}, p50 {Ms(creates.P50)}, p99 {Ms(creates.P99)}", $"{inserts.TransactionsPerSecond:0} inserts/s (pgbench, same row, same PostgreSQL)", Ratio(creates.RequestsPerSecond, inserts.TransactionsPerSecond), "≥ 0.5", creates.RequestsPerSecond / inserts.TransactionsPerSecond >= 0.5),
    .. PropagationRows(propagation, broker),
    new($"4. seeding {people} people + {plan.SmallTenants} tenants of {Number(plan.SmallTenant)} (COPY, ANALYZE)", $"{seeding.Elapsed.TotalSeconds:0.0} s", "", "", "", null),
    .. scale.Gateway.Zip(scale.Database).Select(pair => new Row(
        $"4. {pair.First.Kind} at {people} people" + (pair.First.Kind == SearchAtScale.Deep ? $" (page {scale.DeepPage} by cursor)" : ""),
        $"p95 {Ms(pair.First.P95)} (p50 {Ms(pair.First.P50)})",
        $"p95 {Ms(pair.Second.P95)} (p50 {Ms(pair.Second.P50)}) the same SQL straight at PostgreSQL",
        Ratio(pair.First.P95, pair.Second.P95),
        "p95 ≤ 50 ms",
        pair.First.P95 <= 50)),
    new("5. footprint: largest service idle", $"{largestIdle.Key} {Report.Megabytes(largestIdle.Value)}", "", "", "≤ 200 MB each", idle.Values.All(bytes => bytes <= Budget)),
    new("5. footprint: largest service under the write load", $"{largestLoaded.Key} {Report.Megabytes(largestLoaded.Value)}", "", "", "", null),
    system.ColdStart is { } start
        ? new("5. cold start: ./crm up to all healthy (after a build)", $"{start.TotalSeconds:0.0} s", "", "", "≤ 60 s", start.TotalSeconds <= 60)
        : new("5. cold start: ./crm up to all healthy", "not measured: the system was already running", "", "", "≤ 60 s", null),
];

var report = new Report(
    at, smoke ? "smoke" : "full", machine, await VersionsAsync(system.ContactsDatabase), rows, idle, loaded,
    new Dictionary<string, object?>
    {
        ["tenant"] = tenant, ["people"] = plan.People, ["gatewayUnderLoad"] = gatewayLoad, ["contactsUnderLoad"] = directLoad,
        ["gatewayHalfRate"] = gatewayPaced, ["contactsHalfRate"] = directPaced, ["creates"] = creates, ["pgbench"] = inserts,
        ["propagation"] = propagation, ["broker"] = broker, ["seedingSeconds"] = seeding.Elapsed.TotalSeconds, ["searchAndList"] = scale,
        ["coldStartSeconds"] = system.ColdStart?.TotalSeconds,
    });
Console.WriteLine();
Console.WriteLine(report.Markdown());
Say($"written to {await report.WriteAsync(Path.Combine("bench", "results"))} (and .json)");

// Every scenario must have produced a number from answers that were all successes: a harness that measures errors is broken.
WrkResult[] loads = [directLoad, gatewayLoad, creates];
var broken = loads.Where(load => load.Requests == 0 || load.Failures > 0).Select(load => $"{load.Url} ({load.Connections} connections): {load.Requests} requests, {load.Failures} failed")
    .Concat(new[] { directPaced, gatewayPaced, propagation.Creates }.Where(load => load.Failures > 0).Select(load => $"{load.Url} at {load.Rate:0}/s: {load.Requests} requests, {load.Failures} failed"))
    .Concat(propagation.Copies.Where(copy => copy.Found == 0 || copy.Missing > 0).Select(copy => $"{copy.Service}: {copy.Missing} of {copy.Expected} copies missing"))
    .Concat(broker.Consumed == 0 ? ["the broker alone: nothing consumed"] : [])
    .Concat(scale.Gateway.Concat(scale.Database).Where(timing => timing.Count == 0 || timing.Failures > 0).Select(timing => $"{timing.Kind}: {timing.Count} timed, {timing.Failures} failed"))
    .Concat(inserts.Transactions == 0 ? ["pgbench: no transaction"] : [])
    .Concat(idle.Count == 0 || loaded.Count == 0 ? ["no service process found to measure memory of"] : [])
    .ToArray();
foreach (var problem in broken)
{
    Console.Error.WriteLine($"bench: {problem}");
}

system.DiscardState = broken.Length == 0;
return broken.Length == 0 ? 0 : 1;

// Creates at a steady rate, and when each one's copy came to exist in the services that keep one; the broker alone at
// the same rate for reference. A round at half the rate goes first and is followed until all its copies exist: the
// write path and the consumers are compiled and their pools filled before the measured round, which begins with
// some seconds at its rate before the creates it follows.
async Task<(PropagationResult Propagation, BrokerResult Broker)> PropagateAsync(string token)
{
    Say($"3. event propagation: warming up at {plan.PropagationRate / 2} creates/s for {(plan.Warmup * 2).TotalSeconds:0} s...");
    await Propagation.RunAsync(system, token, tenant, $"{run}-warmup", plan.PropagationRate / 2.0, TimeSpan.Zero, plan.Warmup * 2, TimeSpan.FromSeconds(60));
    Say($"3. event propagation: {plan.PropagationRate} creates/s, {plan.Warmup.TotalSeconds:0} s before the {plan.Duration.TotalSeconds:0} s measured, then the broker alone...");
    var propagation = await Propagation.RunAsync(system, token, tenant, run, plan.PropagationRate, plan.Warmup, plan.Duration, TimeSpan.FromSeconds(60));
    return (propagation, await Propagation.BrokerAsync(system.Messaging, run, plan.PropagationRate, plan.Duration));
}

IEnumerable<Row> PropagationRows(PropagationResult propagation, BrokerResult broker) =>
    propagation.Copies.Select((copy, index) => new Row(
        $"3. event propagation: 201 to the copy in {copy.Service}, {plan.PropagationRate} creates/s sent ({propagation.Creates.AnsweredPerSecond:0}/s answered)",
        $"p50 {Ms(copy.P50)}, p99 {Ms(copy.P99)}; {copy.Missing} missing, {copy.Duplicated} duplicated of {copy.Expected}",
        index == 0 ? $"broker alone p50 {Ms(broker.P50)}, p99 {Ms(broker.P99)} ({broker.Consumed} of {broker.Published} consumed)" : "",
        "",
        "p50 ≤ 50 ms, p99 ≤ 250 ms, none missing or duplicated",
        copy.P50 <= 50 && copy.P99 <= 250 && copy.Missing == 0 && copy.Duplicated == 0));

// The harness's own system: a fresh state folder, free ports, and a rate plan that the load cannot exceed
// (the limits are still counted in Redis on every request, as in production).
static async Task<SystemUnderTest> StartAsync(string run)
{
    var state = Path.Combine(Path.GetTempPath(), $"crm-bench-{run}");
    Say($"starting the system (state in {state})...");
    return await SystemUnderTest.StartAsync(
        state,
        new Dictionary<string, string>
        {
            ["Gateway__RateLimits__Plans__bench__PerTenant"] = "2000000000",
            ["Gateway__RateLimits__Plans__bench__PerApiKey"] = "2000000000",
            ["Gateway__RateLimits__DefaultPlan"] = "bench",
        },
        TimeSpan.FromMinutes(5));
}

static async Task ProbeAsync(string baseUrl, string token, HttpMethod method, string path, string? body)
{
    using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
    using var request = new HttpRequestMessage(method, path) { Headers = { Authorization = new("Bearer", token) } };
    if (body is not null)
    {
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
    }

    using var response = await client.SendAsync(request);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{method} {baseUrl}{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}

static async Task<Guid[]> PeopleAsync(string database, string tenant)
{
    await using var source = NpgsqlDataSource.Create(database);
    await using var command = source.CreateCommand("SELECT id FROM people WHERE tenant_id = $1 ORDER BY id LIMIT 1000");
    command.Parameters.Add(new NpgsqlParameter { Value = tenant });
    var ids = new List<Guid>();
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        ids.Add(reader.GetGuid(0));
    }

    return ids.Count > 0 ? [.. ids] : throw new InvalidOperationException($"The seed left no people for {tenant}.");
}

static async Task<Dictionary<string, string>> VersionsAsync(string database)
{
    await using var source = NpgsqlDataSource.Create(database);
    await using var command = source.CreateCommand("SHOW server_version");
    return new Dictionary<string, string>
    {
        [".NET"] = RuntimeInformation.FrameworkDescription.Replace(".NET ", "", StringComparison.Ordinal),
        ["PostgreSQL"] = (string)(await command.ExecuteScalarAsync())!,
        ["RabbitMQ"] = await PackageVersionAsync("rabbitmq-server"),
        ["Redis"] = await PackageVersionAsync("redis-server"),
        ["wrk"] = await PackageVersionAsync("wrk"),
    };
}

static async Task<string> PackageVersionAsync(string package) => (await Tool.RunAsync("dpkg-query", ["-W", "-f=${Version}", package])).Trim();

static string Argument(int value) => value.ToString(CultureInfo.InvariantCulture);

static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

static string Rate(WrkResult result) => string.Create(CultureInfo.InvariantCulture, $"{result.RequestsPerSecond:0} req/s");

static string Ms(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:0.00} ms");

static string Added(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:+0.00;-0.00} ms");

static string Ratio(double ours, double reference) => string.Create(CultureInfo.InvariantCulture, $"{ours / reference:0.00}");

static void Say(string line) => Console.Error.WriteLine($"bench: {line}");

/// <summary>
/// How much of everything: the smoke run only proves every scenario still yields a number. Scenario 4 seeds
/// <see cref="LargeTenant"/> people in one tenant and <see cref="SmallTenants"/> of <see cref="SmallTenant"/> beside it,
/// times <see cref="Samples"/> requests of each kind after <see cref="SampleWarmup"/>, and reads page <see cref="DeepPage"/>.
/// </summary>
internal sealed record Plan(
    int People, int Connections, TimeSpan Warmup, TimeSpan Duration, int PropagationRate,
    int LargeTenant, int SmallTenants, int SmallTenant, int Samples, int SampleWarmup, int DeepPage)
{
    public static Plan Smoke { get; } = new(300, 4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 20, 300, 2, 30, 5, 1, 3);

    public static Plan Full { get; } = new(100_000, 32, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20), 200, 1_000_000, 10, 100_000, 100, 10, 1000);
}
