using CrmCloud.Platform.Messaging;
using CrmCloud.Support.Features.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrmCloud.Support.Features.Assets;

/// <summary>How maintenance tickets are scheduled (configuration section <c>Maintenance</c>).</summary>
public sealed class MaintenanceOptions
{
    /// <summary>False leaves the schedule to other instances (or to a test that drives it).</summary>
    public bool Worker { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Opens the proactive tickets of assets whose maintenance is due, each once: an instance locks the asset row
/// (FOR UPDATE SKIP LOCKED), checks it is still due, and opens the ticket and moves the due date in one transaction;
/// another instance skips the locked row and, after the commit, finds it no longer due.
/// </summary>
public sealed class MaintenanceScheduler(IServiceScopeFactory scopes)
{
    private sealed record Due(Guid Id, string TenantId);

    /// <returns>How many maintenance tickets this round opened.</returns>
    public async Task<int> OpenDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        List<Due> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SupportDb>();
            due = await db.Database.SqlQuery<Due>(
                $"SELECT id, tenant_id FROM assets WHERE next_maintenance_on <= {today} ORDER BY next_maintenance_on LIMIT 200").ToListAsync(cancellationToken);
        }

        var opened = 0;
        foreach (var asset in due)
        {
            opened += await OpenAsync(asset, today, now, cancellationToken) ? 1 : 0;
        }

        return opened;
    }

    private async Task<bool> OpenAsync(Due due, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupportDb>();
        db.Tenant.Use(due.TenantId);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Database.SqlQuery<Guid>(
            $"""SELECT id AS "Value" FROM assets WHERE id = {due.Id} AND next_maintenance_on <= {today} FOR UPDATE SKIP LOCKED""").ToListAsync(cancellationToken);
        if (locked.Count == 0)
        {
            return false;
        }

        var asset = await db.Assets.FirstAsync(a => a.Id == due.Id, cancellationToken);
        var d = asset.Details;
        var visit = asset.NextMaintenanceOn!.Value;
        var opening = new TicketOpeningRequest(
            new TicketEdit($"Scheduled maintenance: {d.Product}{(d.SerialNumber is { } serial ? $" ({serial})" : "")}", TicketPriority.Normal, TicketStatus.Open, d.CompanyId, null, null, ["maintenance"]),
            $"Maintenance due on {visit:yyyy-MM-dd} for {d.Product}.",
            d.PersonId,
            null,
            null,
            TicketChannel.Api,
            TicketKind.Proactive);
        var message = new OpeningMessage(opening.Description!, MessageVisibility.Internal, "maintenance-schedule", null, null);
        await TicketOpening.OpenAsync(db, opening, message, Platform.Data.Ids.New(), asset.Id, "maintenance-schedule", now, cancellationToken);
        asset.MaintenanceOpened(now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}

/// <summary>Runs <see cref="MaintenanceScheduler"/> every poll interval.</summary>
public sealed partial class MaintenanceWorker(MaintenanceScheduler scheduler, TimeProvider time, IOptions<MaintenanceOptions> options, ILogger<MaintenanceWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Rounds.RunAsync(
            async cancellationToken =>
            {
                if (await scheduler.OpenDueAsync(time.GetUtcNow(), cancellationToken) is > 0 and var opened)
                {
                    LogOpened(logger, opened);
                }
            },
            options.Value.PollInterval,
            time,
            logger,
            "maintenance scheduling",
            waitFirst: false,
            stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened {Count} maintenance tickets")]
    private static partial void LogOpened(ILogger logger, int count);
}

public static class MaintenanceExtensions
{
    public static IHostApplicationBuilder AddMaintenanceSchedule(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Maintenance");
        builder.Services.Configure<MaintenanceOptions>(section);
        builder.Services.AddSingleton<MaintenanceScheduler>();
        if (section.GetValue(nameof(MaintenanceOptions.Worker), defaultValue: true))
        {
            builder.Services.AddHostedService<MaintenanceWorker>();
        }

        return builder;
    }
}
