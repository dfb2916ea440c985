using Microsoft.Extensions.Logging;

namespace CrmCloud.Platform.Messaging;

/// <summary>
/// The loop of a background worker that polls: a round of work, then a wait of the interval, for as long as the
/// service runs. A failed round is logged and the next round retries it; stopping the service ends the loop.
/// </summary>
public static partial class Rounds
{
    /// <param name="work">What the rounds do, for the log (<c>"SLA timers"</c>).</param>
    /// <param name="waitFirst">Wait one interval before the first round, so a process just started settles first.</param>
    public static async Task RunAsync(
        Func<CancellationToken, Task> round, TimeSpan interval, TimeProvider time, ILogger logger, string work, bool waitFirst, CancellationToken stoppingToken)
    {
        if (waitFirst && !await WaitAsync(interval, time, stoppingToken))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await round(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogRoundFailed(logger, exception, work);
            }

            if (!await WaitAsync(interval, time, stoppingToken))
            {
                return;
            }
        }
    }

    /// <returns>False when the service stopped while waiting.</returns>
    private static async Task<bool> WaitAsync(TimeSpan interval, TimeProvider time, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(interval, time, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A round of {Work} failed; the next round retries it")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, string work);
}
