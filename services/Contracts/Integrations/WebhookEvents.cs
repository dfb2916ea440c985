namespace CrmCloud.Contracts.Integrations;

/// <summary>
/// A partner's webhook subscription was disabled in integrations because a delivery kept failing until it was given up:
/// <see cref="Reason"/> says which and how (for a notice to the tenant's administrators). No further deliveries are
/// attempted until someone enables it again.
/// </summary>
public sealed record WebhookSubscriptionDisabled(
    string TenantId,
    Guid SubscriptionId,
    string Url,
    string Reason,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
