using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace CrmCloud.Bench;

/// <summary>
/// The webhook delivery rate: subscribes a receiver on this machine to <c>contact.created</c> through the gateway, creates
/// N people from concurrent clients and waits until every one has arrived as a delivery. Prints deliveries/s from the
/// first create to the last delivery, and p50/p95/p99 from a person's 201 to its delivery (the event's way through the
/// outbox, the broker, the fan-out and the sender). Needs a system that allows local receivers (./crm up does).
/// </summary>
internal static class WebhookRate
{
    private static readonly string[] EventTypes = ["contact.created"];

    public static async Task<int> RunAsync(Options options)
    {
        var count = options.Number("events", 1000);
        using var client = Measurement.Client(options.Required("gateway"), options.Required("token"));
        using var listener = new HttpListener();
        var url = $"http://127.0.0.1:{FreePort()}/hooks/";
        listener.Prefixes.Add(url);
        listener.Start();
        var arrived = new ConcurrentDictionary<Guid, long>();
        using var stop = new CancellationTokenSource();
        var receiving = ReceiveAsync(listener, arrived, stop.Token);

        var subscription = await Measurement.PostAsync(client, "/api/v1/webhooks", new { url, eventTypes = EventTypes, description = "bench" });
        var created = new ConcurrentDictionary<Guid, long>();
        var clock = Stopwatch.StartNew();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, options.Number("concurrency", 8)).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                var person = await Measurement.PostAsync(client, "/api/v1/people", new { firstName = "Webhook", lastName = $"Bench {Guid.NewGuid():N}" });
                created[person.GetProperty("id").GetGuid()] = Stopwatch.GetTimestamp();
            }
        }));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (created.Keys.Any(id => !arrived.ContainsKey(id)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        listener.Stop();
        await receiving;
        var latencies = created.Where(pair => arrived.ContainsKey(pair.Key))
            .Select(pair => Stopwatch.GetElapsedTime(pair.Value, arrived[pair.Key]).TotalMilliseconds).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            webhooks {subscription.GetProperty("id")}: {latencies.Count} of {count} delivered in {elapsed.TotalSeconds:0.0} s: {latencies.Count / elapsed.TotalSeconds:0} deliveries/s
            {Measurement.Summary("create → delivery", latencies)}
            """));
        return latencies.Count == count ? 0 : 1;
    }

    /// <summary>Answers 204 to every delivery and notes when each person's arrived (the first time: redeliveries repeat the id).</summary>
    private static async Task ReceiveAsync(HttpListener listener, ConcurrentDictionary<Guid, long> arrived, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().WaitAsync(stop);
            }
            catch (Exception exception) when (exception is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using (var body = await JsonDocument.ParseAsync(context.Request.InputStream, cancellationToken: CancellationToken.None))
            {
                arrived.TryAdd(body.RootElement.GetProperty("data").GetProperty("id").GetGuid(), Stopwatch.GetTimestamp());
            }

            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
