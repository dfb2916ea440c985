namespace CrmCloud.Contracts.Campaign;

/// <summary>
/// <see cref="PersonId"/> (a person in contacts) responded to a campaign: <see cref="Response"/> is
/// <c>"opened"</c>, <c>"clicked"</c>, <c>"replied"</c>, <c>"converted"</c> or <c>"unsubscribed"</c>.
/// <see cref="ResponseId"/> identifies this one response (a person opening and then clicking is two);
/// <see cref="CompanyId"/> is the person's company in contacts when campaign knows it.
/// <see cref="OccurredAt"/> is when the person responded.
/// </summary>
public sealed record CampaignResponseRecorded(
    string TenantId,
    Guid ResponseId,
    Guid CampaignId,
    string CampaignName,
    Guid PersonId,
    Guid? CompanyId,
    string Response,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
