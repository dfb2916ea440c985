using System.Globalization;
using System.Runtime.InteropServices;
using CrmCloud.Bench;
using CrmCloud.Bench.Harness;
using Npgsql;

// bench/Harness: ./crm bench runs it from the repository root, after a Release build.
//   [--smoke] [--gateway <url> --state <state folder of a running ./crm up>]
// Without --gateway it starts the system itself (a fresh state folder, free ports) and stops it at the end.
var smoke = args.Contains("--smoke");
Options options;
try
{
    options = Options.Parse(args.Where(arg => arg != "--smoke"));
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine($"{exception.Message}\nUsage: ./crm bench [--smoke] [--gateway <url> --state <state folder>]");
    return 2;
}

var plan = smoke ? Plan.Smoke : Plan.Full;
var at = DateTimeOffset.UtcNow;
var run = at.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
var tenant = $"bench-{run}";
// The seed's ids come from its random seed: a run of its own keeps a second run into the same database apart.
var seed = (at.ToUnixTimeSeconds() % int.MaxValue).ToString(CultureInfo.InvariantCulture);
var machine = Machine.Here();

await using var system = options.Optional("gateway") is { } gateway
    ? SystemUnderTest.Attach(gateway, options.Required("state"))
    : await StartAsync(run);
Say($"system: gateway {system.Gateway}, contacts {system.Contacts}" + (system.ColdStart is { } cold ? $", up in {cold.TotalSeconds:0.0} s" : ", attached"));

Say($"seeding {plan.People} people for tenant {tenant}...");
Say((await Tool.RunAsync("dotnet", ["bench/Seed/bin/Release/net10.0/Seed.dll", "people", "--tenant", tenant, "--count", plan.People.ToString(CultureInfo.InvariantCulture), "--seed", seed, "--connection", system.ContactsDatabase])).Trim());
var token = (await Tool.RunAsync("dotnet", [SystemUnderTest.AppHost, "token", "--tenant", tenant, $"--StateDirectory={system.State}"])).Trim();
var ids = await PeopleAsync(system.ContactsDatabase, tenant);
var idle = system.ResidentMemory();

// One request of each kind first: a refusal says why here, where wrk would only count it.
await ProbeAsync(system.Gateway, token, HttpMethod.Get, $"/api/v1/people/{ids[0]}", null);
await ProbeAsync(system.Contacts, token, HttpMethod.Get, $"/api/v1/people/{ids[0]}", null);
await ProbeAsync(system.Gateway, token, HttpMethod.Post, "/api/v1/people", Wrk.PersonBody($"{run}-probe"));

// 1. Gateway overhead: the same read through the gateway and straight at contacts, saturated, then one connection at a time.
var read = Wrk.ReadPeople(ids);
Say("1. gateway overhead: warming up, then saturating each path...");
await Wrk.RunAsync(system.Gateway, token, read, plan.Connections, plan.Warmup);
await Wrk.RunAsync(system.Contacts, token, read, plan.Connections, plan.Warmup);
var directLoad = await Wrk.RunAsync(system.Contacts, token, read, plan.Connections, plan.Duration);
var gatewayLoad = await Wrk.RunAsync(system.Gateway, token, read, plan.Connections, plan.Duration);
Say("1. gateway overhead: latency, one connection...");
var directAlone = await Wrk.RunAsync(system.Contacts, token, read, 1, plan.Duration);
var gatewayAlone = await Wrk.RunAsync(system.Gateway, token, read, 1, plan.Duration);

// 2. Write path: creates through the gateway against pgbench's inserts of the same row into the same PostgreSQL.
Say("2. write path: creates through the gateway, then pgbench...");
var loaded = new SortedDictionary<string, long>(StringComparer.Ordinal);
var create = Wrk.CreatePeople(run);
await Wrk.RunAsync(system.Gateway, token, create, plan.Connections, plan.Warmup);
var creates = await Wrk.RunAsync(system.Gateway, token, create, plan.Connections, plan.Duration, () => loaded = system.ResidentMemory());
var inserts = await Pgbench.InsertPeopleAsync(system.ContactsDatabase, plan.Connections, plan.Duration);

var largestIdle = idle.MaxBy(pair => pair.Value);
var largestLoaded = loaded.MaxBy(pair => pair.Value);
const long Budget = 200L * 1024 * 1024;
Row[] rows =
[
    new("1. gateway overhead: GET /api/v1/people/{id}, throughput", Rate(gatewayLoad), $"{Rate(directLoad)} straight at contacts", Ratio(gatewayLoad.RequestsPerSecond, directLoad.RequestsPerSecond), "≥ 0.85", gatewayLoad.RequestsPerSecond / directLoad.RequestsPerSecond >= 0.85),
    new("1. gateway overhead: added latency p50 (one connection)", Ms(gatewayAlone.P50), $"{Ms(directAlone.P50)} straight at contacts", Added(gatewayAlone.P50 - directAlone.P50), "≤ +0.5 ms", gatewayAlone.P50 - directAlone.P50 <= 0.5),
    new("1. gateway overhead: added latency p99 (one connection)", Ms(gatewayAlone.P99), $"{Ms(directAlone.P99)} straight at contacts", Added(gatewayAlone.P99 - directAlone.P99), "≤ +2 ms", gatewayAlone.P99 - directAlone.P99 <= 2),
    new("2. write path: POST /api/v1/people through the gateway", $"{Rate(creates)}, p50 {Ms(creates.P50)}, p99 {Ms(creates.P99)}", $"{inserts.TransactionsPerSecond:0} inserts/s (pgbench, same row, same PostgreSQL)", Ratio(creates.RequestsPerSecond, inserts.TransactionsPerSecond), "≥ 0.5", creates.RequestsPerSecond / inserts.TransactionsPerSecond >= 0.5),
    Row.NotMeasured("3. event propagation: 201 to the copy in billing at 200 creates/s", "p50 ≤ 50 ms, p99 ≤ 250 ms"),
    Row.NotMeasured("4. search and list at 1,000,000 people", "p95 ≤ 50 ms"),
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
        ["gatewayOneConnection"] = gatewayAlone, ["contactsOneConnection"] = directAlone, ["creates"] = creates, ["pgbench"] = inserts,
        ["coldStartSeconds"] = system.ColdStart?.TotalSeconds,
    });
Console.WriteLine();
Console.WriteLine(report.Markdown());
Say($"written to {await report.WriteAsync(Path.Combine("bench", "results"))} (and .json)");

// Every scenario must have produced a number from answers that were all successes: a harness that measures errors is broken.
WrkResult[] loads = [directLoad, gatewayLoad, directAlone, gatewayAlone, creates];
var broken = loads.Where(load => load.Requests == 0 || load.Failures > 0).Select(load => $"{load.Url} ({load.Connections} connections): {load.Requests} requests, {load.Failures} failed")
    .Concat(inserts.Transactions == 0 ? ["pgbench: no transaction"] : [])
    .Concat(idle.Count == 0 || loaded.Count == 0 ? ["no service process found to measure memory of"] : [])
    .ToArray();
foreach (var problem in broken)
{
    Console.Error.WriteLine($"bench: {problem}");
}

system.DiscardState = broken.Length == 0;
return broken.Length == 0 ? 0 : 1;

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

static string Rate(WrkResult result) => string.Create(CultureInfo.InvariantCulture, $"{result.RequestsPerSecond:0} req/s");

static string Ms(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:0.00} ms");

static string Added(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:+0.00;-0.00} ms");

static string Ratio(double ours, double reference) => string.Create(CultureInfo.InvariantCulture, $"{ours / reference:0.00}");

static void Say(string line) => Console.Error.WriteLine($"bench: {line}");

/// <summary>How much of everything: the smoke run only proves every scenario still yields a number.</summary>
internal sealed record Plan(int People, int Connections, TimeSpan Warmup, TimeSpan Duration)
{
    public static Plan Smoke { get; } = new(300, 4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

    public static Plan Full { get; } = new(100_000, 32, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));
}
