using CrmCloud.Contracts.Support;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrmCloud.Support.Features.Sla;

/// <summary>
/// A warning or breach announced for one target of one ticket. Its key (ticket, kind, target) is what makes each
/// announcement happen once: whichever instance inserts the row publishes the event in the same transaction, and
/// every other attempt (a second instance, a restart redoing its last round) finds the row taken.
/// </summary>
public sealed class SlaAlarm : ITenantOwned
{
    private SlaAlarm()
    {
    }

    public Guid TicketId { get; private set; }

    public string Kind { get; private set; } = "";

    public string Target { get; private set; } = "";

    public string TenantId { get; private set; } = "";

    public DateTimeOffset DueAt { get; private set; }

    public DateTimeOffset FiredAt { get; private set; }
}

/// <summary>How SLA timers run (configuration section <c>SlaTimers</c>).</summary>
public sealed class SlaTimerOptions
{
    /// <summary>False leaves the timers to other instances (or to a test that drives them).</summary>
    public bool Worker { get; set; } = true;

    /// <summary>How often due timers are looked for: the most a breach is announced late, plus the round's own time.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long before a target falls due <see cref="SlaWarning"/> is published.</summary>
    public TimeSpan WarningBefore { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Alarms announced per transaction.</summary>
    public int BatchSize { get; set; } = 500;
}

/// <summary>One round of the SLA timers: every warning and breach due by now, across tenants, announced once.</summary>
public sealed class SlaAlarms(SupportDb db, IOptions<SlaTimerOptions> options, TimeProvider time)
{
    private sealed record Fired(string TenantId, Guid TicketId, string Kind, string Target, DateTimeOffset DueAt, string Number, Guid? PersonId, string Priority);

    /// <summary>Announces batch after batch until nothing is due; each batch reads the clock anew, so its alarms carry when they fired.</summary>
    /// <returns>How many alarms this round announced.</returns>
    public async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int fired;
        do
        {
            fired = await FireBatchAsync(time.GetUtcNow(), cancellationToken);
            total += fired;
        }
        while (fired == options.Value.BatchSize);

        return total;
    }

    private async Task<int> FireBatchAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Due times compared with plain values, so the partial indexes on them find the candidates without a scan.
        var warnBy = now + options.Value.WarningBefore;
        var batch = options.Value.BatchSize;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Across tenants on purpose: each row carries its tenant, and so does each event. A concurrent round blocks on
        // a key this one inserted until it commits, then skips it.
        var fired = await db.Database.SqlQuery<Fired>(
            $"""
            WITH due AS (
                SELECT t.tenant_id, t.id AS ticket_id, a.kind, a.target, a.due_at, t.number, t.requester_person_id AS person_id, t.priority
                FROM tickets t
                CROSS JOIN LATERAL (VALUES
                    ('warning', 'first-response', t.first_response_due_at, t.first_responded_at IS NULL AND t.first_response_due_at <= {warnBy} AND {now} < t.first_response_due_at),
                    ('breach', 'first-response', t.first_response_due_at, t.first_responded_at IS NULL AND t.first_response_due_at <= {now}),
                    ('warning', 'resolution', t.resolution_due_at, t.solved_at IS NULL AND t.resolution_due_at <= {warnBy} AND {now} < t.resolution_due_at),
                    ('breach', 'resolution', t.resolution_due_at, t.solved_at IS NULL AND t.resolution_due_at <= {now})
                ) AS a(kind, target, due_at, fires)
                WHERE a.fires
                  AND t.status IN ('new', 'open')
                  AND ((t.first_responded_at IS NULL AND t.first_response_due_at IS NOT NULL AND t.first_response_due_at <= {warnBy})
                    OR (t.solved_at IS NULL AND t.resolution_due_at IS NOT NULL AND t.resolution_due_at <= {warnBy}))
                  AND NOT EXISTS (SELECT 1 FROM sla_alarms s WHERE s.ticket_id = t.id AND s.kind = a.kind AND s.target = a.target)
                ORDER BY a.due_at
                LIMIT {batch}
            ), inserted AS (
                INSERT INTO sla_alarms (ticket_id, kind, target, tenant_id, due_at, fired_at)
                SELECT ticket_id, kind, target, tenant_id, due_at, {now} FROM due
                ON CONFLICT DO NOTHING
                RETURNING ticket_id, kind, target
            )
            SELECT d.tenant_id, d.ticket_id, d.kind, d.target, d.due_at, d.number, d.person_id, d.priority
            FROM due d JOIN inserted i ON i.ticket_id = d.ticket_id AND i.kind = d.kind AND i.target = d.target
            """).ToListAsync(cancellationToken);

        foreach (var alarm in fired)
        {
            if (alarm.Kind == "breach")
            {
                db.Publish(new SlaBreached(alarm.TenantId, alarm.TicketId, alarm.Number, alarm.PersonId, alarm.Target, alarm.Priority, alarm.DueAt, now));
            }
            else
            {
                db.Publish(new SlaWarning(alarm.TenantId, alarm.TicketId, alarm.Number, alarm.PersonId, alarm.Target, alarm.Priority, alarm.DueAt, now));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return fired.Count;
    }
}

/// <summary>Runs a round of <see cref="SlaAlarms"/> every poll interval, for as long as the service runs.</summary>
public sealed partial class SlaTimerWorker(IServiceScopeFactory scopes, TimeProvider time, IOptions<SlaTimerOptions> options, ILogger<SlaTimerWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Rounds.RunAsync(
            async cancellationToken =>
            {
                await using var scope = scopes.CreateAsyncScope();
                var fired = await scope.ServiceProvider.GetRequiredService<SlaAlarms>().FireDueAsync(cancellationToken);
                if (fired > 0)
                {
                    LogFired(logger, fired);
                }
            },
            options.Value.PollInterval,
            time,
            logger,
            "SLA timers",
            waitFirst: false,
            stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Announced {Count} SLA warnings and breaches")]
    private static partial void LogFired(ILogger logger, int count);
}

public static class SlaTimerExtensions
{
    public static IHostApplicationBuilder AddSlaTimers(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("SlaTimers");
        builder.Services.Configure<SlaTimerOptions>(section);
        builder.Services.AddScoped<SlaAlarms>();
        if (section.GetValue(nameof(SlaTimerOptions.Worker), defaultValue: true))
        {
            builder.Services.AddHostedService<SlaTimerWorker>();
        }

        return builder;
    }
}

internal sealed class SlaAlarmConfiguration : IEntityTypeConfiguration<SlaAlarm>
{
    public void Configure(EntityTypeBuilder<SlaAlarm> alarm)
    {
        alarm.ToTable("sla_alarms");
        alarm.HasKey(a => new { a.TicketId, a.Kind, a.Target });
        alarm.Property(a => a.Kind).HasMaxLength(16);
        alarm.Property(a => a.Target).HasMaxLength(32);
    }
}
