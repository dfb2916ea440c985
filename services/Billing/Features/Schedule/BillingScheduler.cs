using CrmCloud.Billing.Features.Dunning;
using CrmCloud.Billing.Features.Subscriptions;
using CrmCloud.Platform.Messaging;
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
public sealed class BillingScheduler(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<SchedulerOptions> options, ILogger<BillingScheduler> logger) : BackgroundService
{
    // The first pass waits one interval: a process just started (or its database just migrated) settles first.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        !options.Value.Enabled
            ? Task.CompletedTask
            : Rounds.RunAsync(
                async cancellationToken =>
                {
                    var now = time.GetUtcNow();
                    await SubscriptionBilling.RunDueAsync(scopes, now, cancellationToken);
                    await DunningRun.RunAsync(scopes, now, cancellationToken);
                },
                options.Value.PollInterval,
                time,
                logger,
                "the billing scheduler",
                waitFirst: true,
                stoppingToken);
}
