using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Bench;
using static CrmCloud.Bench.Measurement;

// bench/Measure: the figures of bench/README.md, measured over HTTP as a partner would see them.
//   import --gateway <url> --token <jwt> --file people.csv [--dedupe skip]
//   search --url <contacts or gateway url> --token <jwt> --queries 1000 [--warmup 50] [--seed 7]
//   orders --gateway <url> --token <jwt> --orders 2000 [--concurrency 8] [--products 20] [--warmup 50]
//   sla-timers --gateway <url> --token <jwt> --connection <supportdb connection string> --tickets 1000 [--concurrency 8]
//   invoices --gateway <url> --token <jwt> --invoices 2000 [--concurrency 8] [--warmup 50]   (Invoices.cs)
//   segments --gateway <url> --token <jwt> [--runs 5] (over an audience seeded by Seed.dll audience)
//   send --gateway <url> --token <jwt> --recipients 2000 (the mail sink on: every message is kept)
//   keys --gateway <url> --contacts <url> --token <admin jwt> [--requests 2000] [--warmup 200]   (PartnerKeyLatency.cs)
//   webhooks --gateway <url> --token <jwt> [--events 1000] [--concurrency 8]   (WebhookRate.cs; a receiver on this machine)
//   write-cost --gateway <url> --contacts <url> --token <jwt> --state <state folder> [--requests 2000] [--concurrency 16]   (WriteCost.cs)
//   customer-360 --gateway <url> --token <jwt> [--people 200] [--warmup 20]   (Customer360.cs)
var options = Options.Parse(args.Skip(1));
try
{
    return args.FirstOrDefault() switch
    {
        "import" => await ImportAsync(options),
        "search" => await SearchAsync(options),
        "orders" => await OrdersAsync(options),
        "sla-timers" => await SlaTimers.RunAsync(options.Required("gateway"), options.Required("token"), options.Required("connection"), options.Number("tickets", 1000), options.Number("concurrency", 8)),
        "invoices" => await Invoices.RunAsync(options),
        "segments" => await SegmentTimings.RunAsync(options),
        "send" => await SendRate.RunAsync(options),
        "keys" => await PartnerKeyLatency.RunAsync(options),
        "webhooks" => await WebhookRate.RunAsync(options),
        "write-cost" => await WriteCost.RunAsync(options),
        "customer-360" => await Customer360.RunAsync(options),
        _ => Usage(),
    };
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return Usage();
}

// Posts the file, follows the job until it ends and prints the rows imported per second, upload included.
static async Task<int> ImportAsync(Options options)
{
    using var client = Client(options.Required("gateway"), options.Required("token"));
    var path = options.Required("file");
    var clock = Stopwatch.StartNew();
    using var form = new MultipartFormDataContent();
    await using var file = File.OpenRead(path);
    form.Add(new StreamContent(file) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", Path.GetFileName(path));
    form.Add(new StringContent(options.Optional("dedupe") ?? "skip"), "dedupe");
    var response = await client.PostAsync("/api/v1/imports", form);
    if (!response.IsSuccessStatusCode)
    {
        Console.Error.WriteLine($"the upload was refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return 1;
    }

    var location = response.Headers.Location ?? throw new InvalidOperationException("The answer has no Location.");
    var uploaded = clock.Elapsed;
    JsonElement job;
    do
    {
        await Task.Delay(TimeSpan.FromMilliseconds(250));
        job = await client.GetFromJsonAsync<JsonElement>(location);
    }
    while (job.GetProperty("status").GetString() is "queued" or "running");

    var elapsed = clock.Elapsed;
    var rows = job.GetProperty("rows").GetInt32();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
        import {job.GetProperty("id")}: {job.GetProperty("status")}
          rows {rows}, created {job.GetProperty("created")}, updated {job.GetProperty("updated")}, skipped {job.GetProperty("skipped")}, failed {job.GetProperty("failed")} (errors {job.GetProperty("errorCount")})
          upload {uploaded.TotalSeconds:0.0} s, total {elapsed.TotalSeconds:0.0} s: {rows / elapsed.TotalSeconds:0} rows/s
        """));
    return job.GetProperty("status").GetString() == "completed" ? 0 : 1;
}

// Runs a realistic mix of ?q= searches one after another (after a warm-up) and prints the latency percentiles.
static async Task<int> SearchAsync(Options options)
{
    using var client = Client(options.Required("url"), options.Required("token"));
    var count = options.Number("queries", 1000);
    var warmup = options.Number("warmup", 50);
    var random = new Random(options.Number("seed", 7));
    var latencies = new List<double>(count);
    var kinds = new Dictionary<string, List<double>>(StringComparer.Ordinal);
    var failures = 0;
    long hits = 0;
    for (var index = 0; index < warmup + count; index++)
    {
        var (kind, q) = Query(random);
        var clock = Stopwatch.StartNew();
        var response = await client.GetAsync($"/api/v1/people?q={Uri.EscapeDataString(q)}&limit=20");
        var body = await response.Content.ReadAsStringAsync();
        var milliseconds = clock.Elapsed.TotalMilliseconds;
        if (index < warmup)
        {
            continue;
        }

        if (!response.IsSuccessStatusCode)
        {
            failures++;
            continue;
        }

        hits += JsonDocument.Parse(body).RootElement.GetProperty("items").GetArrayLength();
        latencies.Add(milliseconds);
        (kinds.TryGetValue(kind, out var list) ? list : kinds[kind] = []).Add(milliseconds);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"search: {latencies.Count} queries ({failures} failed) after {warmup} warm-up, {hits / (double)Math.Max(1, latencies.Count):0.0} results each on average"));
    Console.WriteLine(Summary("all", latencies));
    foreach (var (kind, list) in kinds.OrderBy(pair => pair.Key, StringComparer.Ordinal))
    {
        Console.WriteLine(Summary(kind, list));
    }

    return failures == 0 ? 0 : 1;
}

// Sets up a customer (created in contacts, waited for in sales), products with ample stock and a price list, all
// through the gateway; then places orders of two lines (two products drawn at random: orders for the same product
// queue on its stock row) from concurrent clients and prints orders/s and latencies.
static async Task<int> OrdersAsync(Options options)
{
    using var client = Client(options.Required("gateway"), options.Required("token"));
    var count = options.Number("orders", 2000);
    var concurrency = options.Number("concurrency", 8);
    var warmup = options.Number("warmup", 50);
    var productCount = Math.Max(2, options.Number("products", 20));
    var run = Guid.NewGuid().ToString("N")[..8];

    var person = await PostAsync(client, "/api/v1/people", new { firstName = "Bench", lastName = $"Buyer {run}", email = $"buyer-{run}@example.com" });
    var personId = person.GetProperty("id").GetGuid();
    var waited = Stopwatch.StartNew();
    while ((await client.GetFromJsonAsync<JsonElement>($"/api/v1/customers?personId={personId}")).GetProperty("items").GetArrayLength() == 0)
    {
        if (waited.Elapsed > TimeSpan.FromSeconds(60))
        {
            Console.Error.WriteLine("the customer did not reach sales within 60 s");
            return 1;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(100));
    }

    var products = new Guid[productCount];
    for (var index = 0; index < products.Length; index++)
    {
        products[index] = (await PostAsync(client, "/api/v1/products", new { sku = $"B-{run}-{index}", name = $"Bench product {index}", taxCategory = "standard" })).GetProperty("id").GetGuid();
        (await client.PutAsJsonAsync($"/api/v1/products/{products[index]}/stock", new { onHand = 1_000_000_000 })).EnsureSuccessStatusCode();
    }

    var currency = "EUR";
    var priceList = await PostAsync(client, "/api/v1/price-lists", new
    {
        name = $"Bench {run}",
        currency,
        validFrom = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        prices = products.Select(product => new { productId = product, tiers = new[] { new { minQuantity = 1, unitPrice = "9.99" }, new { minQuantity = 10, unitPrice = "8.49" } } }),
        taxRates = new[] { new { taxCategory = "standard", rate = 0.19m } },
    });
    var priceListId = priceList.GetProperty("id").GetGuid();
    object Order(Random random)
    {
        var first = random.Next(products.Length);
        var second = (first + 1 + random.Next(products.Length - 1)) % products.Length;
        return new { personId, currency, priceListId, lines = new[] { new { productId = products[first], quantity = 1 }, new { productId = products[second], quantity = 12 } } };
    }

    var latencies = new List<double>(count);
    var failures = 0;
    var next = -warmup;
    var clock = new Stopwatch();
    async Task WorkerAsync(int worker)
    {
        var random = new Random(worker);
        while (Interlocked.Increment(ref next) is var taken && taken <= count)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await client.PostAsJsonAsync("/api/v1/orders", Order(random));
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (taken == 0)
            {
                clock.Start();
            }

            if (taken <= 0)
            {
                continue;
            }

            lock (latencies)
            {
                if (response.StatusCode == System.Net.HttpStatusCode.Created)
                {
                    latencies.Add(milliseconds);
                }
                else
                {
                    failures++;
                }
            }
        }
    }

    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(() => WorkerAsync(worker))));
    clock.Stop();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"orders: {latencies.Count} placed ({failures} failed) by {concurrency} concurrent clients after {warmup} warm-up: {latencies.Count / clock.Elapsed.TotalSeconds:0} orders/s"));
    Console.WriteLine(Summary("place order", latencies));
    return failures == 0 ? 0 : 1;
}

// Names with a typo, full names, email fragments and phone digits, in the proportions a CRM's search box sees them.
static (string Kind, string Q) Query(Random random)
{
    var roll = random.NextDouble();
    if (roll < 0.35)
    {
        return ("last name with a typo", SeedData.Typo(random, random.Pick(SeedData.LastNames)));
    }

    if (roll < 0.55)
    {
        return ("first and last name", $"{random.Pick(SeedData.FirstNames)} {random.Pick(SeedData.LastNames)}");
    }

    if (roll < 0.8)
    {
        var email = $"{SeedData.Local(random.Pick(SeedData.FirstNames))}.{SeedData.Local(random.Pick(SeedData.LastNames))}";
        return ("email fragment", email[..Math.Min(email.Length, 4 + random.Next(8))]);
    }

    var digits = new string([.. SeedData.Phone(random).Where(char.IsAsciiDigit)]);
    var length = 4 + random.Next(4);
    return ("phone digits", digits.Substring(random.Next(digits.Length - length), length));
}

static int Usage()
{
    Console.Error.WriteLine("""
        Usage:
          import --gateway <url> --token <jwt> --file <people.csv> [--dedupe skip|update|create]
          search --url <contacts or gateway url> --token <jwt> --queries <n> [--warmup <n>] [--seed <n>]
          orders --gateway <url> --token <jwt> --orders <n> [--concurrency <n>] [--products <n>] [--warmup <n>]
          sla-timers --gateway <url> --token <jwt> --connection <supportdb connection string> --tickets <n> [--concurrency <n>]
          invoices --gateway <url> --token <jwt> --invoices <n> [--concurrency <n>] [--warmup <n>]
          segments --gateway <url> --token <jwt> [--runs <n>]
          send --gateway <url> --token <jwt> --recipients <n>
          keys --gateway <url> --contacts <url> --token <admin jwt> [--requests <n>] [--warmup <n>]
          write-cost --gateway <url> --contacts <url> --token <jwt> --state <state folder> [--requests <n>] [--concurrency <n>] [--warmup <n>] [--settle <seconds>]
        """);
    return 2;
}
