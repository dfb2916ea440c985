using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Integrations.Features.Webhooks;

/// <summary>
/// A partner's endpoint that receives the tenant's events of the chosen types, signed with <see cref="Secret"/>.
/// The secret is kept as it is (signing needs it, unlike an API key's, which only needs checking) and shown only in the
/// answers to creation and rotation. A subscription whose deliveries keep failing for a day is disabled with the reason.
/// </summary>
public sealed class WebhookSubscription : IVersioned, ITenantOwned
{
    private WebhookSubscription()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public string Url { get; private set; } = "";

    public string[] EventTypes { get; private set; } = [];

    public string? Description { get; private set; }

    public string Secret { get; private set; } = "";

    public bool Enabled { get; private set; }

    /// <summary>Why the subscription was disabled: by someone, or by deliveries that were given up.</summary>
    public string? DisabledReason { get; private set; }

    public DateTimeOffset? DisabledAt { get; private set; }

    public DateTimeOffset? SecretRotatedAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    public static WebhookSubscription Create(Guid id, WebhookDetails details, string secret, DateTimeOffset now)
    {
        var subscription = new WebhookSubscription
        {
            Id = id,
            Secret = secret,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        subscription.Apply(details, now);
        return subscription;
    }

    /// <returns>False when nothing changed.</returns>
    public bool Change(WebhookDetails details, DateTimeOffset now)
    {
        if (details.Url == Url && details.EventTypes.SequenceEqual(EventTypes) && details.Description == Description && details.Enabled == Enabled)
        {
            return false;
        }

        Apply(details, now);
        Touch(now);
        return true;
    }

    public void RotateSecret(string secret, DateTimeOffset now)
    {
        Secret = secret;
        SecretRotatedAt = now;
        Touch(now);
    }

    /// <summary>Deliveries were given up: no more are attempted until someone enables the subscription again.</summary>
    /// <returns>False when it was disabled already.</returns>
    public bool Disable(string reason, DateTimeOffset now)
    {
        if (!Enabled)
        {
            return false;
        }

        Enabled = false;
        DisabledReason = reason;
        DisabledAt = now;
        Touch(now);
        return true;
    }

    public WebhookDetails Details => new(Url, EventTypes, Description, Enabled);

    private void Apply(WebhookDetails details, DateTimeOffset now)
    {
        Url = details.Url;
        EventTypes = [.. details.EventTypes];
        Description = details.Description;
        if (details.Enabled && !Enabled)
        {
            DisabledReason = null;
            DisabledAt = null;
        }
        else if (!details.Enabled && Enabled)
        {
            DisabledReason = "Disabled on request.";
            DisabledAt = now;
        }

        Enabled = details.Enabled;
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>What a subscription says: where to, which event types, a description, and whether it receives them.</summary>
public sealed record WebhookDetails(string Url, IReadOnlyList<string> EventTypes, string? Description, bool Enabled);

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> subscription)
    {
        subscription.ToTable("webhook_subscriptions");
        subscription.HasKey(s => s.Id);
        subscription.Property(s => s.Id).ValueGeneratedNever();
        subscription.Property(s => s.Version).IsConcurrencyToken();
        subscription.Property(s => s.Url).HasMaxLength(WebhookRequests.UrlLength);
        subscription.Property(s => s.Description).HasMaxLength(WebhookRequests.DescriptionLength);
        subscription.Property(s => s.Secret).HasMaxLength(100);
        subscription.Property(s => s.DisabledReason).HasMaxLength(1000);
        subscription.HasIndex(s => new { s.TenantId, s.Id });
    }
}
