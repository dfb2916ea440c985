using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CrmCloud.Bench.Harness;

/// <summary>What one wrk run measured (latencies in milliseconds); <see cref="Failures"/> counts 4xx/5xx answers and socket errors.</summary>
internal sealed record WrkResult(string Url, int Connections, double Seconds, long Requests, long Failures, double RequestsPerSecond, double P50, double P99);

/// <summary>
/// Load from wrk, the Debian package: a Lua script makes each request and its <c>done</c> hook prints the summary
/// as one JSON line (wrk's own text output rounds the percentiles).
/// </summary>
internal static class Wrk
{
    // wrk calls done() once with every thread's figures merged; durations and latencies are in microseconds.
    private const string Done = """
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format('BENCH {"requests":%d,"duration":%d,"failures":%d,"p50":%d,"p99":%d}\n',
            summary.requests, summary.duration, e.status + e.connect + e.read + e.write + e.timeout,
            latency:percentile(50), latency:percentile(99)))
        end
        """;

    /// <summary>GET /api/v1/people/{id}, going round <paramref name="ids"/>.</summary>
    public static string ReadPeople(IReadOnlyList<Guid> ids) => $$"""
        local ids = { {{string.Join(", ", ids.Select(id => $"\"{id}\""))}} }
        local at = 0
        request = function()
          at = at % #ids + 1
          return wrk.format("GET", "/api/v1/people/" .. ids[at])
        end
        {{Done}}
        """;

    /// <summary>The body of a create; NAME is replaced by a name unique to the request.</summary>
    private const string PersonTemplate = """{"firstName":"Bench","lastName":"Writer NAME","email":"NAME@example.com"}""";

    public static string PersonBody(string name) => PersonTemplate.Replace("NAME", name, StringComparison.Ordinal);

    /// <summary>POST /api/v1/people, each body unique across threads and runs (the run's tag, the thread, a counter).</summary>
    public static string CreatePeople(string run) => $$"""
        local threads = 0
        setup = function(thread)
          threads = threads + 1
          thread:set("tid", threads)
        end
        local created = 0
        request = function()
          created = created + 1
          local name = string.format("%s-%d-%d", "{{run}}", tid, created)
          local body = string.gsub('{{PersonTemplate}}', "NAME", name)
          -- Headers given to wrk.format replace those of the command line (the bearer token): add to them instead.
          wrk.headers["Content-Type"] = "application/json"
          return wrk.format("POST", "/api/v1/people", nil, body)
        end
        {{Done}}
        """;

    /// <summary>
    /// Runs wrk for <paramref name="duration"/>; <paramref name="whileRunning"/> is called half-way (to sample the
    /// system under the load).
    /// </summary>
    public static async Task<WrkResult> RunAsync(
        string baseUrl, string token, string script, int connections, TimeSpan duration, Action? whileRunning = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"crm-bench-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(path, script);
        try
        {
            var seconds = Math.Max(1, (int)duration.TotalSeconds);
            string[] arguments =
            [
                $"--threads={Math.Min(connections, Environment.ProcessorCount)}", $"--connections={connections}",
                $"--duration={seconds}s", "--timeout=10s", $"--script={path}", $"--header=Authorization: Bearer {token}", baseUrl,
            ];
            var running = Tool.RunAsync("wrk", arguments);
            if (whileRunning is not null)
            {
                await Task.WhenAny(running, Task.Delay(duration / 2));
                whileRunning();
            }

            var output = await running;
            var line = output.Split('\n').LastOrDefault(line => line.StartsWith("BENCH ", StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"wrk printed no summary: {output}");
            using var summary = JsonDocument.Parse(line["BENCH ".Length..]);
            var figures = summary.RootElement;
            var requests = figures.GetProperty("requests").GetInt64();
            var elapsed = figures.GetProperty("duration").GetInt64() / 1e6;
            return new WrkResult(
                baseUrl, connections, elapsed, requests, figures.GetProperty("failures").GetInt64(), requests / elapsed,
                figures.GetProperty("p50").GetInt64() / 1e3, figures.GetProperty("p99").GetInt64() / 1e3);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
