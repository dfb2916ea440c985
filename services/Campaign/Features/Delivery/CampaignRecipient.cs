using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Campaign.Features.Delivery;

/// <summary>
/// One person in a launched campaign's audience, copied at launch with what delivery needs. <see cref="Token"/> is a
/// random secret that the tracking links carry: it names the recipient (and so the tenant) without credentials.
/// <see cref="Status"/> moves pending → sending (claimed by one sender) → delivered or failed, once; an sms or phone
/// campaign's recipients are <c>listed</c> for export.
/// </summary>
public sealed class CampaignRecipient : Platform.Data.IEntity, Platform.Data.ITenantOwned
{
    private CampaignRecipient()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid CampaignId { get; private set; }

    public Guid PersonId { get; private set; }

    public string? Email { get; private set; }

    public string? Phone { get; private set; }

    public string FirstName { get; private set; } = "";

    public string LastName { get; private set; } = "";

    public string Token { get; private set; } = "";

    public string? OfferCode { get; private set; }

    public string Status { get; private set; } = "";

    public DateTimeOffset? ClaimedAt { get; private set; }

    /// <summary>Set with the claim, from campaign and recipient (<see cref="CampaignMessage.MessageIdOf"/>): the name the message is sent under.</summary>
    public string? MessageId { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    public string? Error { get; private set; }
}

internal sealed class CampaignRecipientConfiguration : IEntityTypeConfiguration<CampaignRecipient>
{
    public void Configure(EntityTypeBuilder<CampaignRecipient> recipient)
    {
        recipient.ToTable("campaign_recipients");
        recipient.HasKey(r => r.Id);
        recipient.Property(r => r.Id).ValueGeneratedNever();
        recipient.HasIndex(r => new { r.CampaignId, r.PersonId }).IsUnique();
        recipient.HasIndex(r => r.Token).IsUnique();
        recipient.HasIndex(r => new { r.TenantId, r.PersonId });
        recipient.HasIndex(r => new { r.CampaignId, r.OfferCode });
        // The senders' queue: only rows still to send are in it.
        recipient.HasIndex(r => new { r.CampaignId, r.Id }).HasFilter("status = 'pending'").HasDatabaseName("ix_campaign_recipients_pending");
        recipient.Property(r => r.Email).HasMaxLength(254);
        recipient.Property(r => r.Phone).HasMaxLength(32);
        recipient.Property(r => r.FirstName).HasMaxLength(100);
        recipient.Property(r => r.LastName).HasMaxLength(100);
        recipient.Property(r => r.Token).HasMaxLength(64);
        recipient.Property(r => r.OfferCode).HasMaxLength(32);
        recipient.Property(r => r.Status).HasMaxLength(16);
        recipient.Property(r => r.Error).HasMaxLength(500);
        recipient.Property(r => r.MessageId).HasMaxLength(300);
        // Claims left behind by an instance that stopped: looked for on every round.
        recipient.HasIndex(r => r.ClaimedAt).HasFilter("status = 'sending'").HasDatabaseName("ix_campaign_recipients_sending");
    }
}
