using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using static CrmCloud.Bench.Measurement;

namespace CrmCloud.Bench;

/// <summary>
/// Invoices issued per second through the gateway: a person made in contacts (its billing account arrives by event),
/// then drafts made for it up front, then issued from concurrent clients. Every issue takes the next gapless number of
/// the tenant's INV series, so the issuers queue on one counter row: the figure is that queue's rate.
/// </summary>
internal static class Invoices
{
    public static async Task<int> RunAsync(Options options)
    {
        using var client = Client(options.Required("gateway"), options.Required("token"));
        var count = options.Number("invoices", 2000);
        var concurrency = options.Number("concurrency", 8);
        var warmup = options.Number("warmup", 50);
        var run = Guid.NewGuid().ToString("N")[..8];

        var person = await PostAsync(client, "/api/v1/people", new { firstName = "Bench", lastName = $"Payer {run}", email = $"payer-{run}@example.com" });
        var account = await AccountOfAsync(client, person.GetProperty("id").GetGuid());
        if (account is null)
        {
            Console.Error.WriteLine("the billing account did not arrive within 60 s");
            return 1;
        }

        var drafts = new Guid[warmup + count];
        var made = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref made) is var index && index < drafts.Length)
            {
                drafts[index] = (await PostAsync(client, "/api/v1/invoices", new
                {
                    billingAccountId = account,
                    lines = new[]
                    {
                        new { description = "Consulting", quantity = 3m, unitPrice = "120.00" },
                        new { description = "Travel", quantity = 1m, unitPrice = "45.50" },
                    },
                })).GetProperty("id").GetGuid();
            }
        })));

        var latencies = new List<double>(count);
        var numbers = new List<string>(drafts.Length);
        var failures = 0;
        var next = -1;
        var clock = new Stopwatch();
        async Task IssuerAsync()
        {
            while (Interlocked.Increment(ref next) is var taken && taken < drafts.Length)
            {
                if (taken == warmup)
                {
                    clock.Start();
                }

                var started = Stopwatch.GetTimestamp();
                var response = await client.PostAsync($"/api/v1/invoices/{drafts[taken]}/issue", null);
                var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var number = response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString() : null;
                lock (latencies)
                {
                    if (number is null)
                    {
                        failures++;
                        continue;
                    }

                    numbers.Add(number);
                    if (taken >= warmup)
                    {
                        latencies.Add(milliseconds);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(IssuerAsync)));
        clock.Stop();
        var distinct = numbers.Distinct().Count();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"invoices: {latencies.Count} issued ({failures} failed) by {concurrency} concurrent clients after {warmup} warm-up: {latencies.Count / clock.Elapsed.TotalSeconds:0.0} invoices/s; {distinct} distinct numbers for {numbers.Count} issued"));
        Console.WriteLine(Summary("issue invoice", latencies));
        return failures == 0 && distinct == numbers.Count ? 0 : 1;
    }

    /// <summary>The billing account contacts' event makes for the person, waited for up to a minute.</summary>
    private static async Task<Guid?> AccountOfAsync(HttpClient client, Guid personId)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            var items = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/billing-accounts?personId={personId}")).GetProperty("items");
            if (items.GetArrayLength() > 0)
            {
                return items[0].GetProperty("id").GetGuid();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        return null;
    }
}
