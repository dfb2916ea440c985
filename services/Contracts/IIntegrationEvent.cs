namespace CrmCloud.Contracts;

/// <summary>
/// A fact one service publishes for the others. Every event names the tenant it belongs to and
/// when it happened; consumers act within that tenant only. Events are versioned by adding
/// optional members, never by changing the meaning of existing ones.
/// </summary>
public interface IIntegrationEvent
{
    string TenantId { get; }

    DateTimeOffset OccurredAt { get; }
}
