using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Campaign.Features.Attribution;

/// <summary>
/// An order won by a campaign: through its offer code, or placed by a recipient within the campaign's attribution
/// window after delivery. One campaign per order; a cancelled order no longer counts.
/// </summary>
public sealed class CampaignConversion : ITenantOwned
{
    private CampaignConversion()
    {
    }

    public string TenantId { get; private set; } = "";

    public Guid OrderId { get; private set; }

    public Guid CampaignId { get; private set; }

    public Guid PersonId { get; private set; }

    public decimal Revenue { get; private set; }

    public string Currency { get; private set; } = "";

    /// <summary><c>offer-code</c> or <c>window</c>.</summary>
    public string Via { get; private set; } = "";

    public DateTimeOffset OrderedAt { get; private set; }

    public bool Cancelled { get; private set; }

    public static CampaignConversion Of(string tenantId, Guid orderId, Guid campaignId, Guid personId, decimal revenue, string currency, string via, DateTimeOffset at) =>
        new() { TenantId = tenantId, OrderId = orderId, CampaignId = campaignId, PersonId = personId, Revenue = revenue, Currency = currency, Via = via, OrderedAt = at };

    public void Cancel() => Cancelled = true;
}

internal sealed class CampaignConversionConfiguration : IEntityTypeConfiguration<CampaignConversion>
{
    public void Configure(EntityTypeBuilder<CampaignConversion> conversion)
    {
        conversion.ToTable("campaign_conversions");
        conversion.HasKey(c => new { c.TenantId, c.OrderId });
        conversion.HasIndex(c => new { c.TenantId, c.CampaignId });
        conversion.Property(c => c.Revenue).HasPrecision(19, 4);
        conversion.Property(c => c.Currency).HasMaxLength(3);
        conversion.Property(c => c.Via).HasMaxLength(16);
    }
}
