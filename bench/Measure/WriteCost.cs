using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CrmCloud.Bench;

/// <summary>
/// <c>write-cost --gateway &lt;url&gt; --contacts &lt;url&gt; --token &lt;jwt&gt; --state &lt;state folder&gt; [--requests 2000]
/// [--concurrency 16] [--warmup 200] [--settle 30]</c>: what a create and a read cost each process of the system, in CPU
/// milliseconds per request, through the gateway and straight at contacts. Throughput on a shared machine moves with
/// everybody else's load; the CPU a process spends per request does not, so that is the figure to compare before and
/// after a change. Each phase drives N requests from concurrent clients, then waits until the system is quiet again
/// (the events of the creates consumed by the other services), and charges every process the CPU it used meanwhile
/// beyond its idle rate (measured at the end). A process is the tree under the PID in the state folder's <c>pids/</c>:
/// PostgreSQL's backends and RabbitMQ's helpers count to them.
/// </summary>
internal static class WriteCost
{
    private const double TicksPerSecond = 100; // USER_HZ: the unit of /proc/[pid]/stat times on Linux

    public static async Task<int> RunAsync(Options options)
    {
        var token = options.Required("token");
        var requests = options.Number("requests", 2000);
        var concurrency = options.Number("concurrency", 16);
        var warmup = options.Number("warmup", 200);
        var settle = TimeSpan.FromSeconds(options.Number("settle", 30));
        var processes = ProcessesOf(options.Required("state"));
        using var gateway = Client(options.Required("gateway"), token, concurrency);
        using var contacts = Client(options.Required("contacts"), token, concurrency);
        var run = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var quiet = new Quiet(processes, settle);
        var created = new List<Guid>();
        (string Name, HttpClient Client, Func<int, HttpRequestMessage> Request)[] phases =
        [
            ("create, gateway", gateway, index => Create($"{run}-g-{index}")),
            ("create, direct", contacts, index => Create($"{run}-d-{index}")),
            ("read, gateway", gateway, index => Read(created, index)),
            ("read, direct", contacts, index => Read(created, index)),
        ];
        var measured = new List<(string Name, int Failures, double PerSecond, List<double> Latencies, Dictionary<string, long> Ticks, TimeSpan Elapsed)>();
        foreach (var (name, client, request) in phases)
        {
            Console.Error.WriteLine($"write-cost: {name}: {warmup} warm-up, then {requests} from {concurrency} clients...");
            await DriveAsync(client, request, -warmup, 0, concurrency, created, []);
            await quiet.WaitAsync();
            var before = CpuTicks(processes);
            var latencies = new List<double>(requests);
            var clock = Stopwatch.StartNew();
            var failures = await DriveAsync(client, request, 0, requests, concurrency, created, latencies);
            var loaded = clock.Elapsed;
            await quiet.WaitAsync();
            var after = CpuTicks(processes);
            measured.Add((name, failures, requests / loaded.TotalSeconds, latencies, processes.Keys.ToDictionary(process => process, process => after[process] - before[process], StringComparer.Ordinal), clock.Elapsed));
        }

        // Measured last, when every process has compiled its hot paths: right after a start the JIT's background
        // recompilation keeps a service busy for many seconds, which is no idle rate to subtract.
        Console.Error.WriteLine("write-cost: the idle rate of each process, the least of five seconds...");
        var idle = await IdleRateAsync(processes, seconds: 5);
        var results = measured.Select(phase => new Phase(phase.Name, requests, phase.Failures, phase.PerSecond, phase.Latencies, processes.Keys.ToDictionary(
            process => process,
            process => Math.Max(0, phase.Ticks[process] / TicksPerSecond - idle[process] * phase.Elapsed.TotalSeconds) * 1000 / requests,
            StringComparer.Ordinal))).ToList();
        Console.WriteLine(Table(results, idle, concurrency));
        return results.Any(phase => phase.Failures > 0) ? 1 : 0;
    }

    private sealed record Phase(string Name, int Requests, int Failures, double PerSecond, List<double> Latencies, Dictionary<string, double> CpuMs);

    /// <summary>A column per phase, a row per process; the last column is each process's idle rate (CPU-ms per second) that was subtracted.</summary>
    private static string Table(List<Phase> phases, Dictionary<string, double> idle, int concurrency)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| CPU-ms per request | {string.Join(" | ", phases.Select(phase => phase.Name))} | idle, CPU-ms/s |");
        text.AppendLine($"| --- |{string.Concat(phases.Select(_ => " ---: |"))} ---: |");
        foreach (var process in idle.Keys.Order(StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {process} | {string.Join(" | ", phases.Select(phase => Ms(phase.CpuMs[process])))} | {Ms(idle[process] * 1000)} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| **all** | {string.Join(" | ", phases.Select(phase => Ms(phase.CpuMs.Values.Sum())))} | {Ms(idle.Values.Sum() * 1000)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| req/s ({concurrency} clients) | {string.Join(" | ", phases.Select(phase => phase.PerSecond.ToString("0", CultureInfo.InvariantCulture)))} | |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| p50 / p99 ms | {string.Join(" | ", phases.Select(phase => Percentiles(phase.Latencies)))} | |");
        text.Append(CultureInfo.InvariantCulture, $"| failed | {string.Join(" | ", phases.Select(phase => phase.Failures))} | |");
        return text.ToString();
    }

    private static string Ms(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Percentiles(List<double> latencies)
    {
        latencies.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"{Measurement.Percentile(latencies, 0.50):0.0} / {Measurement.Percentile(latencies, 0.99):0.0}");
    }

    /// <summary>Sends requests <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive); returns how many failed.</summary>
    private static async Task<int> DriveAsync(
        HttpClient client, Func<int, HttpRequestMessage> request, int from, int to, int concurrency, List<Guid> created, List<double> latencies)
    {
        var next = from - 1;
        var failures = 0;
        async Task WorkerAsync()
        {
            while (Interlocked.Increment(ref next) is var index && index < to)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request(index));
                var body = await response.Content.ReadAsByteArrayAsync();
                var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    if (!response.IsSuccessStatusCode)
                    {
                        if (failures++ == 0)
                        {
                            Console.Error.WriteLine($"write-cost: {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
                        }

                        continue;
                    }

                    latencies.Add(milliseconds);
                    if (response.StatusCode == System.Net.HttpStatusCode.Created)
                    {
                        created.Add(JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid());
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync)));
        return failures;
    }

    private static HttpRequestMessage Create(string name) => new(HttpMethod.Post, "/api/v1/people")
    {
        Content = JsonContent.Create(new { firstName = "Bench", lastName = $"Writer {name}", email = $"{name}@example.com" }),
    };

    private static HttpRequestMessage Read(List<Guid> created, int index)
    {
        lock (created)
        {
            return new HttpRequestMessage(HttpMethod.Get, $"/api/v1/people/{created[Math.Abs(index) % created.Count]}");
        }
    }

    private static HttpClient Client(string url, string token, int concurrency)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Each process's CPU seconds per second while nobody calls the system (its pollers and timers): the least of
    /// <paramref name="seconds"/> one-second samples, so that a burst of the machine's other work is not taken for it.
    /// </summary>
    private static async Task<Dictionary<string, double>> IdleRateAsync(Dictionary<string, int> processes, int seconds)
    {
        var least = processes.Keys.ToDictionary(process => process, _ => double.MaxValue, StringComparer.Ordinal);
        for (var second = 0; second < seconds; second++)
        {
            var rate = await RateAsync(processes, TimeSpan.FromSeconds(1));
            foreach (var (process, value) in rate)
            {
                least[process] = Math.Min(least[process], value);
            }
        }

        return least;
    }

    private static async Task<Dictionary<string, double>> RateAsync(Dictionary<string, int> processes, TimeSpan over)
    {
        var before = CpuTicks(processes);
        await Task.Delay(over);
        var after = CpuTicks(processes);
        return processes.Keys.ToDictionary(process => process, process => (after[process] - before[process]) / TicksPerSecond / over.TotalSeconds, StringComparer.Ordinal);
    }

    /// <summary>
    /// Waits (at most the settle time) for a second in which the whole system used no more than 1.5 times the least
    /// it used in any second so far, plus 30 ms: the creates' events consumed, the outbox empty.
    /// </summary>
    private sealed class Quiet(Dictionary<string, int> processes, TimeSpan settle)
    {
        private double _least = double.MaxValue;

        public async Task WaitAsync()
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < settle)
            {
                var total = (await RateAsync(processes, TimeSpan.FromSeconds(1))).Values.Sum();
                _least = Math.Min(_least, total);
                if (total <= _least * 1.5 + 0.03)
                {
                    return;
                }
            }

            Console.Error.WriteLine($"write-cost: the system was still busy after {settle.TotalSeconds:0} s");
        }
    }

    /// <summary>The processes named in the state folder's <c>pids/</c> that are running, by name.</summary>
    private static Dictionary<string, int> ProcessesOf(string state)
    {
        var processes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(state, "pids"), "*.pid"))
        {
            if (int.TryParse(File.ReadAllText(file).Split(' ')[0], CultureInfo.InvariantCulture, out var pid) && Directory.Exists($"/proc/{pid}"))
            {
                processes[Path.GetFileNameWithoutExtension(file)] = pid;
            }
        }

        return processes.Count > 0 ? processes : throw new ArgumentException($"No running process is named in {Path.Combine(state, "pids")}.");
    }

    /// <summary>CPU ticks (user and system, of itself and its reaped children) of each process and every process under it.</summary>
    private static Dictionary<string, long> CpuTicks(Dictionary<string, int> processes)
    {
        var parents = new Dictionary<int, int>();
        var ticks = new Dictionary<int, long>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // it ended meanwhile
            }

            // After "pid (comm) ": state ppid ... utime stime cutime cstime are fields 1, 11 to 14 (comm may hold spaces).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            ticks[pid] = fields[11..15].Sum(field => long.Parse(field, CultureInfo.InvariantCulture));
        }

        return processes.ToDictionary(process => process.Key, process => ticks.Where(entry => Descends(entry.Key, process.Value, parents)).Sum(entry => entry.Value), StringComparer.Ordinal);
    }

    private static bool Descends(int pid, int ancestor, Dictionary<int, int> parents)
    {
        for (var current = pid; current > 1; current = parents.GetValueOrDefault(current))
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }
}
