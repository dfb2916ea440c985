using CrmCloud.Billing.Features.Dunning;
using CrmCloud.Billing.Features.Subscriptions;
using Microsoft.Extensions.Options;

namespace CrmCloud.Billing.Features.Schedule;

/// <summary>How the billing scheduler runs (configuration section <c>Scheduler</c>).</summary>
public sealed class SchedulerOptions
{
    /// <summary>False leaves the work to another instance, or to a test that runs it itself.</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The background clock of billing: issues the invoices of subscription periods that have started, then moves overdue
/// invoices on and sends the reminders that are due. Each pass is safe to run on any number of instances at once.
/// </summary>
public sealed partial class BillingScheduler(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<SchedulerOptions> options, ILogger<BillingScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        // The first pass waits one interval too: a process just started (or its database just migrated) settles first.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var now = time.GetUtcNow();
                await SubscriptionBilling.RunDueAsync(scopes, now, stoppingToken);
                await DunningRun.RunAsync(scopes, now, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogPassFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A billing scheduler pass failed; the next pass retries it")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
