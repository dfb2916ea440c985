using System.Text.Json.Serialization;
using CrmCloud.Contracts.Campaign;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Offers;

/// <summary>
/// A campaign's offer as campaign last published it (<see cref="CampaignOfferPublished"/>): the discount an order
/// with one of its codes gets, and when. Sales never edits it; a newer publication replaces it whole.
/// </summary>
public sealed class CampaignOffer : IEntity, ITenantOwned
{
    private CampaignOffer()
    {
    }

    /// <summary>The campaign's id: a campaign has one offer.</summary>
    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public string CampaignName { get; private set; } = "";

    /// <summary>The publication this copy holds; an older one arriving late changes nothing.</summary>
    public long Version { get; private set; }

    public OfferCodeKind CodeKind { get; private set; }

    /// <summary>The code everyone uses, for a shared offer, in <see cref="OfferCodes.Normalize"/>d form.</summary>
    public string? SharedCode { get; private set; }

    public decimal? DiscountPercent { get; private set; }

    public decimal? DiscountAmount { get; private set; }

    public string? Currency { get; private set; }

    public string? Terms { get; private set; }

    public DateTimeOffset? ValidFrom { get; private set; }

    public DateTimeOffset? ValidUntil { get; private set; }

    public bool Withdrawn { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static CampaignOffer From(CampaignOfferPublished published)
    {
        var offer = new CampaignOffer { Id = published.CampaignId, TenantId = published.TenantId };
        offer.Apply(published);
        return offer;
    }

    /// <returns>False when <paramref name="published"/> is not newer than what is held: nothing changed.</returns>
    public bool Apply(CampaignOfferPublished published)
    {
        if (published.Version <= Version)
        {
            return false;
        }

        CampaignName = published.CampaignName;
        Version = published.Version;
        CodeKind = WireNames<OfferCodeKind>.TryParse(published.CodeKind, out var kind) ? kind : OfferCodeKind.Shared;
        SharedCode = published.SharedCode is { } code ? OfferCodes.Normalize(code) : null;
        DiscountPercent = published.DiscountPercent;
        DiscountAmount = published.DiscountAmount;
        Currency = published.Currency;
        Terms = published.Terms;
        ValidFrom = published.ValidFrom;
        ValidUntil = published.ValidUntil;
        Withdrawn = published.Withdrawn;
        UpdatedAt = published.OccurredAt;
        return true;
    }

    /// <summary>Why an order placed at <paramref name="now"/> cannot have the offer, or null when it can.</summary>
    public string? Refusal(DateTimeOffset now) =>
        Withdrawn ? $"The offer of campaign {CampaignName} was withdrawn."
        : ValidFrom is { } from && now < from ? $"The offer of campaign {CampaignName} starts at {from:u}."
        : ValidUntil is { } until && now > until ? $"The offer of campaign {CampaignName} ended at {until:u}."
        : null;
}

public enum OfferCodeKind
{
    [JsonStringEnumMemberName("shared")]
    Shared,

    [JsonStringEnumMemberName("unique")]
    Unique,
}

/// <summary>A recipient's own code for a unique-code offer: good for one order of that person.</summary>
public sealed class IssuedOfferCode : ITenantOwned
{
    private IssuedOfferCode()
    {
    }

    public string TenantId { get; private set; } = "";

    /// <summary>In <see cref="OfferCodes.Normalize"/>d form.</summary>
    public string Code { get; private set; } = "";

    public Guid CampaignId { get; private set; }

    public Guid PersonId { get; private set; }

    public Guid? RedeemedOrderId { get; private set; }

    public DateTimeOffset? RedeemedAt { get; private set; }
}

internal sealed class CampaignOfferConfiguration : IEntityTypeConfiguration<CampaignOffer>
{
    public void Configure(EntityTypeBuilder<CampaignOffer> offer)
    {
        offer.ToTable("campaign_offers");
        offer.HasKey(o => o.Id);
        offer.Property(o => o.Id).ValueGeneratedNever();
        offer.HasIndex(o => new { o.TenantId, o.SharedCode });
        offer.Property(o => o.CampaignName).HasMaxLength(200);
        offer.Property(o => o.CodeKind).HasMaxLength(16).HasConversion(WireNames<OfferCodeKind>.Converter);
        offer.Property(o => o.SharedCode).HasMaxLength(OfferCodes.MaxLength);
        offer.Property(o => o.DiscountPercent).HasPrecision(7, 4);
        offer.Property(o => o.DiscountAmount).HasPrecision(20, 4);
        offer.Property(o => o.Currency).HasMaxLength(3);
        offer.Property(o => o.Terms).HasMaxLength(4000);
    }
}

internal sealed class IssuedOfferCodeConfiguration : IEntityTypeConfiguration<IssuedOfferCode>
{
    public void Configure(EntityTypeBuilder<IssuedOfferCode> code)
    {
        code.ToTable("issued_offer_codes");
        code.HasKey(c => new { c.TenantId, c.Code });
        code.Property(c => c.Code).HasMaxLength(OfferCodes.MaxLength);
        code.HasIndex(c => new { c.TenantId, c.CampaignId });
    }
}
