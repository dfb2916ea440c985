using System.Diagnostics;

namespace CrmCloud.Bench;

/// <summary>
/// <c>customer-360 --gateway &lt;url&gt; --token &lt;jwt&gt; [--people 200] [--warmup 20]</c>: creates the people, then asks for
/// each one's <c>GET /api/v1/customers/{id}/360</c> twice, one after another: the first pass is composed from the five
/// services (ten reads in parallel; <c>X-Cache: miss</c>), the second is served from Redis (<c>hit</c>). Prints both
/// percentiles. The people are new, so their sections are mostly empty lists: the figure is the composition's own cost.
/// </summary>
internal static class Customer360
{
    public static async Task<int> RunAsync(Options options)
    {
        using var client = Measurement.Client(options.Required("gateway"), options.Required("token"));
        var warmup = options.Number("warmup", 20);
        var people = new Guid[warmup + options.Number("people", 200)];
        var run = Guid.NewGuid().ToString("N")[..8];
        for (var index = 0; index < people.Length; index++)
        {
            people[index] = (await Measurement.PostAsync(client, "/api/v1/people", new { firstName = "Bench", lastName = $"Customer {run} {index}" }))
                .GetProperty("id").GetGuid();
        }

        var composed = new List<double>(people.Length);
        var cached = new List<double>(people.Length);
        foreach (var (pass, latencies, expected) in new[] { ("composed", composed, "miss"), ("cached", cached, "hit") })
        {
            for (var index = 0; index < people.Length; index++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await client.GetAsync($"/api/v1/customers/{people[index]}/360");
                var body = await response.Content.ReadAsStringAsync();
                var elapsed = clock.Elapsed.TotalMilliseconds;
                var cache = response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : "";
                if (!response.IsSuccessStatusCode || cache != expected)
                {
                    Console.Error.WriteLine($"{pass}: {(int)response.StatusCode}, X-Cache '{cache}' (expected {expected}): {body}");
                    return 1;
                }

                if (index >= warmup)
                {
                    latencies.Add(elapsed);
                }
            }
        }

        Console.WriteLine("customer 360, one request at a time:");
        Console.WriteLine(Measurement.Summary("composed (miss)", composed));
        Console.WriteLine(Measurement.Summary("from Redis (hit)", cached));
        return 0;
    }
}
