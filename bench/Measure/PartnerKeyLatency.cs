using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmCloud.Bench;

/// <summary>
/// <c>keys --gateway &lt;url&gt; --contacts &lt;url&gt; --token &lt;admin jwt&gt; [--requests 2000] [--warmup 200]</c>: the same small read
/// (<c>GET /api/v1/people?limit=1</c>) straight at contacts, through the gateway with the bearer token, and through the
/// gateway with a partner API key it creates for the run (and revokes after), interleaved one by one so that all
/// three see the same machine; prints each one's percentiles and the gateway's added latency. The tenant needs a plan
/// that allows the requests (<c>Gateway__RateLimits__TenantPlans__{tenant}=enterprise</c>).
/// </summary>
internal static class PartnerKeyLatency
{
    private static readonly string[] ReadContacts = ["contacts:read"];

    public static async Task<int> RunAsync(Options options)
    {
        var token = options.Required("token");
        var requests = options.Number("requests", 2000);
        var warmup = options.Number("warmup", 200);
        using var direct = Client(options.Required("contacts"), new AuthenticationHeaderValue("Bearer", token));
        using var bearer = Client(options.Required("gateway"), new AuthenticationHeaderValue("Bearer", token));

        var created = await bearer.PostAsJsonAsync("/api/v1/api-keys", new { name = "bench", scopes = ReadContacts });
        if (!created.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"the key was refused: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            return 1;
        }

        var key = await created.Content.ReadFromJsonAsync<JsonElement>();
        using var partner = Client(options.Required("gateway"), new AuthenticationHeaderValue("ApiKey", key.GetProperty("secret").GetString()));
        (string Name, HttpClient Client, List<double> Latencies)[] paths =
        [
            ("contacts directly", direct, new List<double>(requests)),
            ("gateway, bearer", bearer, new List<double>(requests)),
            ("gateway, API key", partner, new List<double>(requests)),
        ];
        try
        {
            for (var round = 0; round < warmup + requests; round++)
            {
                foreach (var (name, client, latencies) in paths)
                {
                    var clock = Stopwatch.StartNew();
                    using var response = await client.GetAsync("/api/v1/people?limit=1");
                    await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        Console.Error.WriteLine($"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        return 1;
                    }

                    if (round >= warmup)
                    {
                        latencies.Add(clock.Elapsed.TotalMilliseconds);
                    }
                }
            }
        }
        finally
        {
            await bearer.PostAsync($"/api/v1/api-keys/{key.GetProperty("id")}/revoke", null);
        }

        foreach (var (name, _, latencies) in paths)
        {
            Console.WriteLine(Measurement.Summary(name, latencies));
        }

        // Summary sorted the lists.
        foreach (var (name, _, latencies) in paths.Skip(1))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  added by the gateway ({name}): p50 {Measurement.Percentile(latencies, 0.50) - Measurement.Percentile(paths[0].Latencies, 0.50):0.00} ms, p99 {Measurement.Percentile(latencies, 0.99) - Measurement.Percentile(paths[0].Latencies, 0.99):0.00} ms"));
        }

        return 0;
    }

    private static HttpClient Client(string url, AuthenticationHeaderValue authorization)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = authorization;
        return client;
    }
}
