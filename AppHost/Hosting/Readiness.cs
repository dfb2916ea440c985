using System.Diagnostics;
using System.Net.Sockets;

namespace CrmCloud.AppHost.Hosting;

/// <summary>Waits for a child to become ready by polling a probe, never by sleeping a fixed time.</summary>
internal static class Readiness
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Polls <paramref name="probe"/> (null when ready, else why not) until it succeeds; fails with a
    /// clear message when the process exits first or <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task WaitAsync(
        string what, ChildProcess process, TimeSpan timeout, Func<CancellationToken, Task<string?>> probe, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(50);
        string? notReady;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"{what} exited with code {await process.Exited} before it was ready.{Tail(process)}");
            }

            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(ProbeTimeout);
            try
            {
                notReady = await probe(attempt.Token);
                if (notReady is null)
                {
                    return;
                }
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                notReady = exception.Message;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"{what} was not ready within {timeout.TotalSeconds:0} s (last check: {notReady}).{Tail(process)}");
            }

            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }

    /// <summary>Ready when something accepts TCP connections on the port.</summary>
    public static async Task<string?> TcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cancellationToken);
        return null;
    }

    /// <summary>Ready when GET answers 200.</summary>
    public static async Task<string?> HttpOkAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(uri, cancellationToken);
        return response.IsSuccessStatusCode ? null : $"GET {uri} answered {(int)response.StatusCode}";
    }

    private static string Tail(ChildProcess process) =>
        process.RecentOutput() is { Length: > 0 } output ? $"{Environment.NewLine}Its last output:{Environment.NewLine}{output}" : string.Empty;
}
