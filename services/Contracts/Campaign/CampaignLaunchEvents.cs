namespace CrmCloud.Contracts.Campaign;

/// <summary>
/// A campaign was launched: its audience was materialised once. <see cref="Channel"/> is <c>"email"</c>,
/// <c>"sms"</c> or <c>"phone"</c>; <see cref="AudienceCount"/> people will be reached and
/// <see cref="ExcludedWithoutConsent"/> were left out for lack of consent on the channel.
/// </summary>
public sealed record CampaignLaunched(
    string TenantId,
    Guid CampaignId,
    string Name,
    string Channel,
    Guid? SegmentId,
    int AudienceCount,
    int ExcludedWithoutConsent,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// The offer of a campaign as sales must honour it on orders. Published at launch and again whenever the offer
/// changes (a cancelled campaign withdraws it); <see cref="Version"/> grows with each publication, so a consumer
/// keeps the newest. The discount is either <see cref="DiscountPercent"/> (<c>10</c> for 10 %) or
/// <see cref="DiscountAmount"/> in <see cref="Currency"/> (ISO 4217) off an order. <see cref="CodeKind"/> is
/// <c>"shared"</c> (everyone uses <see cref="SharedCode"/>) or <c>"unique"</c> (one code per recipient, each
/// redeemable once, sent in <see cref="CampaignOfferCodesIssued"/>). The offer holds from <see cref="ValidFrom"/>
/// to <see cref="ValidUntil"/> (either open) unless <see cref="Withdrawn"/>. <see cref="Terms"/> is the special
/// terms text printed with the order.
/// </summary>
public sealed record CampaignOfferPublished(
    string TenantId,
    Guid CampaignId,
    string CampaignName,
    long Version,
    string CodeKind,
    string? SharedCode,
    decimal? DiscountPercent,
    decimal? DiscountAmount,
    string? Currency,
    string? Terms,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    bool Withdrawn,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>One recipient's own code for a campaign offer of kind <c>"unique"</c>.</summary>
public sealed record OfferCode(string Code, Guid PersonId);

/// <summary>
/// Unique offer codes issued to a campaign's recipients, in batches (a large audience takes several messages).
/// A code is good for one order of the person it was issued to, under the terms of the campaign's newest
/// <see cref="CampaignOfferPublished"/>.
/// </summary>
public sealed record CampaignOfferCodesIssued(
    string TenantId,
    Guid CampaignId,
    IReadOnlyList<OfferCode> Codes,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// <see cref="PersonId"/> unsubscribed from <see cref="Channel"/> (<c>"email"</c>, <c>"sms"</c>, <c>"phone"</c>)
/// through a campaign's one-click link. Contacts withdraws the person's consent for that channel (source
/// <c>"campaign"</c>) unless a newer consent change is already recorded.
/// </summary>
public sealed record UnsubscribeRequested(
    string TenantId,
    Guid CampaignId,
    Guid PersonId,
    string Channel,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
