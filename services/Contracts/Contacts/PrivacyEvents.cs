namespace CrmCloud.Contracts.Contacts;

/// <summary>
/// A person was erased in contacts at their request: every copy elsewhere must drop the person's
/// personal data for good, keeping at most a tombstone. <see cref="Version"/> follows the person's last
/// version, so no older create or update can bring the data back.
/// </summary>
public sealed record ContactErased(
    string TenantId,
    Guid PersonId,
    long Version,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
