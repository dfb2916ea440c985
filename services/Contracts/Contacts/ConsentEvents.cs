namespace CrmCloud.Contracts.Contacts;

/// <summary>
/// A person's consent to be contacted on one channel changed in contacts; carries the whole new state.
/// <see cref="Channel"/> is <c>"email"</c>, <c>"sms"</c> or <c>"phone"</c>; <see cref="Status"/> is
/// <c>"opted-in"</c> or <c>"opted-out"</c>; <see cref="LawfulBasis"/> (<c>"consent"</c>, <c>"contract"</c>,
/// <c>"legitimate-interest"</c>, <c>"legal-obligation"</c>) is always present on an opt-in and may be absent
/// on an opt-out. <see cref="ChangedAt"/> is when the person gave or withdrew consent; it never goes back
/// for one person and channel, so a consumer can ignore a fact older than the state it already holds.
/// <see cref="OccurredAt"/> is when contacts recorded the change. A deleted person's consents go with
/// the person (see <see cref="ContactDeleted"/>).
/// </summary>
public sealed record ConsentChanged(
    string TenantId,
    Guid PersonId,
    string Channel,
    string Status,
    string Source,
    string? LawfulBasis,
    DateTimeOffset ChangedAt,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
