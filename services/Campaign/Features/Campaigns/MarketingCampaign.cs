using System.Text.Json.Serialization;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Campaign.Features.Campaigns;

/// <summary>
/// A campaign: its details are edited while it is a draft; launching materialises its audience once and moves it on
/// (scheduled until its send time, then running until every recipient was tried, then completed), or it is cancelled.
/// </summary>
public sealed class MarketingCampaign : VersionedResource<CampaignDetails>
{
    private MarketingCampaign()
    {
    }

    public CampaignStatus Status { get; private set; }

    /// <summary>Copied from the details so that segments can tell which campaigns name them.</summary>
    public Guid? SegmentId { get; private set; }

    public DateTimeOffset? LaunchedAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    public int AudienceCount { get; private set; }

    public int ExcludedWithoutConsent { get; private set; }

    public int ExcludedWithoutAddress { get; private set; }

    /// <summary>The version of the offer last published to sales.</summary>
    public long OfferVersion { get; private set; }

    public static MarketingCampaign Create(string tenantId, Guid id, CampaignDetails details, DateTimeOffset now)
    {
        var created = new MarketingCampaign { Status = CampaignStatus.Draft, SegmentId = details.SegmentId };
        created.Initialize(tenantId, id, details, now);
        return created;
    }

    public bool Revise(CampaignDetails details, DateTimeOffset now)
    {
        SegmentId = details.SegmentId;
        return Change(details, now);
    }

    /// <summary>When sending may start: the schedule, or the launch itself.</summary>
    public DateTimeOffset SendFrom => Details.ScheduledAt is { } at && at > LaunchedAt ? at : LaunchedAt ?? DateTimeOffset.MaxValue;

    public void Launch(int audience, int withoutConsent, int withoutAddress, DateTimeOffset now)
    {
        AudienceCount = audience;
        ExcludedWithoutConsent = withoutConsent;
        ExcludedWithoutAddress = withoutAddress;
        LaunchedAt = now;
        Status = Details.ScheduledAt > now ? CampaignStatus.Scheduled : CampaignStatus.Running;
        if (Details.Offer is not null)
        {
            OfferVersion++;
        }

        Touch(now);
    }

    /// <summary>A scheduled campaign whose send time has come starts sending.</summary>
    public void Start(DateTimeOffset now)
    {
        Status = CampaignStatus.Running;
        Touch(now);
    }

    public void Cancel(DateTimeOffset now)
    {
        Status = CampaignStatus.Cancelled;
        if (Details.Offer is not null && LaunchedAt is not null)
        {
            OfferVersion++;
        }

        Touch(now);
    }

    public void Complete(DateTimeOffset now)
    {
        Status = CampaignStatus.Completed;
        CompletedAt = now;
        Touch(now);
    }
}

/// <summary>
/// What a caller says about a campaign. <see cref="Subject"/> and <see cref="Body"/> are templates with personalisation
/// fields (<c>{{firstName}}</c>); <see cref="AttributionDays"/> is how long after delivery an order counts as won by the campaign.
/// </summary>
public sealed record CampaignDetails(
    string Name,
    string Channel,
    Guid? SegmentId,
    string? Subject,
    string? Body,
    CampaignOffer? Offer,
    DateTimeOffset? ScheduledAt,
    Money? Budget,
    Money? Cost,
    int AttributionDays);

/// <summary>A discount of <see cref="DiscountPercent"/> or <see cref="DiscountAmount"/>, with one shared code or one per recipient.</summary>
public sealed record CampaignOffer(
    decimal? DiscountPercent,
    Money? DiscountAmount,
    string? Terms,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    string CodeKind,
    string? SharedCode);

public enum CampaignStatus
{
    [JsonStringEnumMemberName("draft")]
    Draft,

    [JsonStringEnumMemberName("scheduled")]
    Scheduled,

    [JsonStringEnumMemberName("running")]
    Running,

    [JsonStringEnumMemberName("completed")]
    Completed,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}

internal sealed class MarketingCampaignConfiguration : IEntityTypeConfiguration<MarketingCampaign>
{
    public void Configure(EntityTypeBuilder<MarketingCampaign> campaign)
    {
        campaign.ToTable("campaigns");
        campaign.HasKey(c => c.Id);
        campaign.Property(c => c.Id).ValueGeneratedNever();
        campaign.Property(c => c.Version).IsConcurrencyToken();
        campaign.HasIndex(c => new { c.TenantId, c.Id });
        campaign.HasIndex(c => new { c.TenantId, c.SegmentId });
        campaign.Property(c => c.Status).HasConversion(WireNames<CampaignStatus>.Converter).HasMaxLength(16);
        campaign.Property(c => c.Details)
            .HasConversion(JsonColumn<CampaignDetails>.Converter, JsonColumn<CampaignDetails>.Comparer)
            .HasColumnType("jsonb");
    }
}
