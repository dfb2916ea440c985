using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Campaign.Features.Responses;

/// <summary>How a recipient responded to a campaign; at most one of each kind per recipient (a unique key keeps it so).</summary>
public sealed class RecipientResponse : IEntity, ITenantOwned
{
    private RecipientResponse()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid CampaignId { get; private set; }

    public Guid RecipientId { get; private set; }

    public Guid PersonId { get; private set; }

    /// <summary>One of <see cref="RecipientResponses.Kinds"/>.</summary>
    public string Kind { get; private set; } = "";

    public DateTimeOffset OccurredAt { get; private set; }

    public static RecipientResponse Of(string tenantId, Guid campaignId, Guid recipientId, Guid personId, string kind, DateTimeOffset at) =>
        new() { Id = Ids.New(), TenantId = tenantId, CampaignId = campaignId, RecipientId = recipientId, PersonId = personId, Kind = kind, OccurredAt = at };
}

internal sealed class RecipientResponseConfiguration : IEntityTypeConfiguration<RecipientResponse>
{
    public void Configure(EntityTypeBuilder<RecipientResponse> response)
    {
        response.ToTable("campaign_responses");
        response.HasKey(r => r.Id);
        response.Property(r => r.Id).ValueGeneratedNever();
        response.HasIndex(r => new { r.RecipientId, r.Kind }).IsUnique();
        response.HasIndex(r => new { r.TenantId, r.PersonId, r.CampaignId });
        response.HasIndex(r => new { r.CampaignId, r.Kind });
        response.Property(r => r.Kind).HasMaxLength(16);
    }
}
