using System.Diagnostics;
using System.Net.Http.Headers;

namespace CrmCloud.Bench.Harness;

/// <summary>
/// What a paced load measured (latencies in milliseconds, each from the moment its request was due, not from when it
/// was sent); <see cref="Failures"/> counts non-success answers and exceptions.
/// </summary>
internal sealed record PacedResult(string Url, double Rate, double Seconds, long Requests, long Failures, double AnsweredPerSecond, double P50, double P99);

/// <summary>
/// An open-model load: the i-th request is due at start + i / rate whatever happened to the ones before it, and its
/// latency runs from that due time. A slow answer therefore costs the requests queued behind it their waiting time
/// too, which a closed loop (wrk: a fixed set of connections, each sending when the last answer came) would not count
/// (coordinated omission). Debian packages wrk but not wrk2, which does the same.
/// </summary>
internal static class Paced
{
    /// <summary>
    /// Calls <paramref name="fire"/> for each of <paramref name="count"/> events at <paramref name="rate"/> per second,
    /// without waiting for one to finish before the next is due; <paramref name="fire"/> gets the index and the due
    /// time (a <see cref="Stopwatch"/> timestamp). Returns when every call has finished.
    /// </summary>
    public static async Task RunAsync(double rate, long count, Func<long, long, Task> fire)
    {
        var ticksApart = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var running = new List<Task>((int)Math.Min(count, int.MaxValue));
        for (var index = 0L; index < count; index++)
        {
            var due = start + (long)(index * ticksApart);
            var ahead = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (ahead > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(ahead);
            }

            running.Add(fire(index, due));
        }

        await Task.WhenAll(running);
    }

    /// <summary>
    /// Sends <paramref name="request"/>(i) at <paramref name="rate"/> per second for <paramref name="duration"/>;
    /// <paramref name="answered"/> sees each successful answer with its index and the wall-clock time it arrived.
    /// </summary>
    public static async Task<PacedResult> HttpAsync(
        string baseUrl, string token, double rate, TimeSpan duration, Func<long, HttpRequestMessage> request,
        Func<long, HttpResponseMessage, DateTimeOffset, Task>? answered = null)
    {
        // As many connections as the backlog needs: an open model must never wait for one to come free. A rate the
        // system cannot keep up with shows as latency, so the client waits long before it calls a request failed.
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromMinutes(2),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var count = Math.Max(1, (long)(rate * duration.TotalSeconds));
        var latencies = new List<double>((int)count);
        long failures = 0;
        var clock = Stopwatch.StartNew();
        await RunAsync(rate, count, async (index, due) =>
        {
            try
            {
                using var message = request(index);
                using var response = await client.SendAsync(message);
                var arrived = DateTimeOffset.UtcNow;
                await response.Content.LoadIntoBufferAsync();
                var milliseconds = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                    return;
                }

                lock (latencies)
                {
                    latencies.Add(milliseconds);
                }

                if (answered is not null)
                {
                    await answered(index, response, arrived);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref failures);
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        latencies.Sort();
        return new PacedResult(
            baseUrl, rate, seconds, count, failures, latencies.Count / seconds,
            Measurement.Percentile(latencies, 0.50), Measurement.Percentile(latencies, 0.99));
    }
}
