using System.Text.Json.Serialization;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Integrations.Features.Webhooks;

public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its first or next attempt.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    [JsonStringEnumMemberName("delivered")]
    Delivered,

    /// <summary>Given up after retrying for the configured time; the subscription was disabled with it.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>
/// One event on its way to one subscription. <see cref="Body"/> is written once, when the event arrives, and sent
/// byte for byte on every attempt, so its <c>id</c> (this delivery's id) lets the receiver drop a repeat. Deliveries of
/// one subscription about one resource (<see cref="ResourceKey"/>) go in the order their events occurred: one is not
/// attempted while an earlier one is pending. <see cref="ClaimedUntil"/> is a sender's lease on an attempt in flight.
/// </summary>
public sealed class WebhookDelivery : IEntity, ITenantOwned
{
    private WebhookDelivery()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid SubscriptionId { get; private set; }

    /// <summary>The broker message the event came in; with <see cref="SubscriptionId"/>, unique.</summary>
    public Guid EventMessageId { get; private set; }

    public string EventType { get; private set; } = "";

    /// <summary>The resource the event is about (<c>order:{id}</c>): deliveries about one resource keep their order.</summary>
    public string ResourceKey { get; private set; } = "";

    public DateTimeOffset OccurredAt { get; private set; }

    public string Body { get; private set; } = "";

    public WebhookDeliveryStatus Status { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset? NextAttemptAt { get; private set; }

    /// <summary>Set by the first attempt (and by a manual redelivery): a failure from then on marks the delivery failed.</summary>
    public DateTimeOffset? GiveUpAt { get; private set; }

    public DateTimeOffset? ClaimedUntil { get; private set; }

    public DateTimeOffset? LastAttemptAt { get; private set; }

    public int? LastStatusCode { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public List<WebhookAttempt> AttemptLog { get; private set; } = [];

    public static WebhookDelivery For(WebhookSubscription subscription, Guid id, Guid eventMessageId, WebhookEvent published, string body, DateTimeOffset now) => new()
    {
        Id = id,
        TenantId = subscription.TenantId,
        SubscriptionId = subscription.Id,
        EventMessageId = eventMessageId,
        EventType = published.Type,
        ResourceKey = published.ResourceKey,
        OccurredAt = published.OccurredAt,
        Body = body,
        Status = WebhookDeliveryStatus.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
    };

    /// <summary>Records an attempt the receiver answered with 2xx.</summary>
    public void Delivered(WebhookAttempt attempt)
    {
        Record(attempt);
        Status = WebhookDeliveryStatus.Delivered;
        DeliveredAt = attempt.AttemptedAt;
        NextAttemptAt = null;
    }

    /// <summary>Records a failed attempt: the next one is due at <paramref name="retryAt"/>, unless the time to give up has come.</summary>
    /// <returns>True when the delivery was given up.</returns>
    public bool Failed(WebhookAttempt attempt, DateTimeOffset retryAt, TimeSpan giveUpAfter)
    {
        Record(attempt);
        var now = attempt.AttemptedAt;
        GiveUpAt ??= now + giveUpAfter;
        if (now >= GiveUpAt)
        {
            Status = WebhookDeliveryStatus.Failed;
            NextAttemptAt = null;
            return true;
        }

        // The last retry falls on the time to give up, so a delivery is tried for the whole period.
        NextAttemptAt = retryAt < GiveUpAt ? retryAt : GiveUpAt;
        return false;
    }

    /// <summary>Sends the same body (same id) again soon, whatever became of it, with a new period before it is given up.</summary>
    public void Redeliver(DateTimeOffset now)
    {
        Status = WebhookDeliveryStatus.Pending;
        NextAttemptAt = now;
        GiveUpAt = null;
        DeliveredAt = null;
    }

    private void Record(WebhookAttempt attempt)
    {
        Attempts++;
        LastAttemptAt = attempt.AttemptedAt;
        LastStatusCode = attempt.StatusCode;
        LastError = attempt.Error;
        ClaimedUntil = null;
        AttemptLog.Add(attempt);
    }
}

/// <summary>One attempt to deliver: when, what the receiver answered (or why there was no answer) and how long it took.</summary>
public sealed class WebhookAttempt : IEntity, ITenantOwned
{
    public const int ErrorLength = 500;

    private WebhookAttempt()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid DeliveryId { get; private set; }

    public DateTimeOffset AttemptedAt { get; private set; }

    public int? StatusCode { get; private set; }

    public string? Error { get; private set; }

    public int DurationMs { get; private set; }

    public static WebhookAttempt Of(WebhookDelivery delivery, DateTimeOffset attemptedAt, int? statusCode, string? error, TimeSpan duration) => new()
    {
        Id = Ids.New(),
        TenantId = delivery.TenantId,
        DeliveryId = delivery.Id,
        AttemptedAt = attemptedAt,
        StatusCode = statusCode,
        Error = error is { Length: > ErrorLength } ? error[..ErrorLength] : error,
        DurationMs = (int)Math.Min(int.MaxValue, duration.TotalMilliseconds),
    };
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> delivery)
    {
        delivery.ToTable("webhook_deliveries");
        delivery.HasKey(d => d.Id);
        delivery.Property(d => d.Id).ValueGeneratedNever();
        delivery.Property(d => d.Status).HasConversion(WireNames<WebhookDeliveryStatus>.Converter).HasMaxLength(16);
        delivery.Property(d => d.EventType).HasMaxLength(64);
        delivery.Property(d => d.ResourceKey).HasMaxLength(100);
        delivery.Property(d => d.LastError).HasMaxLength(WebhookAttempt.ErrorLength);
        // Text, not jsonb: the body must go out byte for byte as it was signed the first time.
        delivery.Property(d => d.Body).HasColumnType("text");
        delivery.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        delivery.HasMany(d => d.AttemptLog).WithOne().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        delivery.HasIndex(d => new { d.SubscriptionId, d.EventMessageId }).IsUnique();
        delivery.HasIndex(d => new { d.SubscriptionId, d.Id });
        // The senders' queue, and the check that nothing earlier about the same resource is still pending.
        delivery.HasIndex(d => d.NextAttemptAt).HasFilter("status = 'pending'").HasDatabaseName("ix_webhook_deliveries_due");
        delivery.HasIndex(d => new { d.SubscriptionId, d.ResourceKey, d.OccurredAt, d.Id }).HasFilter("status = 'pending'").HasDatabaseName("ix_webhook_deliveries_pending_by_resource");
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> attempt)
    {
        attempt.ToTable("webhook_delivery_attempts");
        attempt.HasKey(a => a.Id);
        attempt.Property(a => a.Id).ValueGeneratedNever();
        attempt.Property(a => a.Error).HasMaxLength(WebhookAttempt.ErrorLength);
        attempt.HasIndex(a => new { a.DeliveryId, a.AttemptedAt });
    }
}
