using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmCloud.Bench.Measure;

/// <summary>What every measurement needs: a client with a token, a checked POST, latency percentiles.</summary>
internal static class Figures
{
    public static HttpClient Client(string url, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static string Summary(string kind, List<double> latencies)
    {
        latencies.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"  {kind,-22} n={latencies.Count,5}  p50 {Percentile(latencies, 0.50),7:0.0} ms  p95 {Percentile(latencies, 0.95),7:0.0} ms  p99 {Percentile(latencies, 0.99),7:0.0} ms");
    }

    // Nearest-rank percentile of sorted values.
    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
