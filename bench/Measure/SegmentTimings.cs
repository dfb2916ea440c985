using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmCloud.Bench;

/// <summary>
/// Segment evaluation over a seeded audience (<c>Seed.dll audience</c>): creates segments from very selective to very
/// broad, each kind of condition at least once, and times <c>/count</c> and the first page of <c>/members</c>
/// through the gateway, one request at a time, after one warm-up of each.
/// </summary>
internal static class SegmentTimings
{
    private static readonly (string Name, string Criteria)[] Segments =
    [
        ("customers in Germany", """{"all":[{"field":"lifecycleStage","operator":"in","values":["customer"]},{"field":"country","operator":"in","values":["DE"]}]}"""),
        ("tagged vip", """{"all":[{"field":"tags","operator":"hasAny","values":["vip"]}]}"""),
        ("aged 30-45 on tier 4 or more", """{"all":[{"field":"age","operator":"between","min":30,"max":45},{"field":"customField","key":"tier","operator":"gte","value":4}]}"""),
        ("spent over 1,000 EUR", """{"all":[{"field":"totalSpend","operator":"gt","value":{"amount":"1000.00","currency":"EUR"}}]}"""),
        ("recent order or an open ticket", """{"any":[{"field":"lastOrder","operator":"after","value":"2025-12-01T00:00:00Z"},{"field":"openTickets","operator":"gte","value":1}]}"""),
        ("French b2b leads, or vip customers who never ordered", """{"any":[{"all":[{"field":"country","operator":"in","values":["FR"]},{"field":"tags","operator":"hasAll","values":["b2b"]},{"field":"lifecycleStage","operator":"in","values":["lead"]}]},{"all":[{"field":"tags","operator":"hasAny","values":["vip"]},{"field":"lastOrder","operator":"none"}]}]}"""),
        ("leads and customers (broad)", """{"all":[{"field":"lifecycleStage","operator":"in","values":["lead","customer"]}]}"""),
    ];

    public static async Task<int> RunAsync(Options options)
    {
        using var client = Measurement.Client(options.Required("gateway"), options.Required("token"));
        var runs = options.Number("runs", 5);
        var run = Guid.NewGuid().ToString("N")[..8];
        Console.WriteLine($"segments: {runs} timed runs of each request after one warm-up, one request at a time");
        foreach (var (name, criteria) in Segments)
        {
            var segment = await Measurement.PostAsync(client, "/api/v1/segments", new { name = $"{name} {run}", criteria = JsonDocument.Parse(criteria).RootElement });
            var id = segment.GetProperty("id").GetGuid();
            var counts = new List<double>();
            var pages = new List<double>();
            long members = 0;
            for (var index = 0; index <= runs; index++)
            {
                var clock = Stopwatch.StartNew();
                members = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{id}/count")).GetProperty("count").GetInt64();
                var counted = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                (await client.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{id}/members?limit=50")).GetProperty("items").GetArrayLength();
                var paged = clock.Elapsed.TotalMilliseconds;
                if (index > 0)
                {
                    counts.Add(counted);
                    pages.Add(paged);
                }
            }

            counts.Sort();
            pages.Sort();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {name,-52} {members,9} members   count p50 {Measurement.Percentile(counts, 0.5),7:0} ms (max {counts[^1],5:0})   first page of 50 p50 {Measurement.Percentile(pages, 0.5),6:0} ms (max {pages[^1],5:0})"));
        }

        return 0;
    }
}
