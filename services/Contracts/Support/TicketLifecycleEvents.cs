namespace CrmCloud.Contracts.Support;

/// <summary>
/// A ticket moved from <see cref="FromStatus"/> to <see cref="ToStatus"/>: <c>"new"</c>, <c>"open"</c>, <c>"pending"</c>,
/// <c>"on-hold"</c>, <c>"solved"</c> or <c>"closed"</c>. <see cref="PersonId"/> is the requester when support knows the person.
/// </summary>
public sealed record TicketStatusChanged(
    string TenantId,
    Guid TicketId,
    string TicketNumber,
    Guid? PersonId,
    string FromStatus,
    string ToStatus,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// A ticket's SLA <see cref="Target"/> (<c>"first-response"</c> or <c>"resolution"</c>) falls due at <see cref="DueAt"/>
/// and is not met yet: published once per ticket and target, ahead of the breach.
/// </summary>
public sealed record SlaWarning(
    string TenantId,
    Guid TicketId,
    string TicketNumber,
    Guid? PersonId,
    string Target,
    string Priority,
    DateTimeOffset DueAt,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// A ticket's SLA <see cref="Target"/> (<c>"first-response"</c> or <c>"resolution"</c>) was not met by <see cref="DueAt"/>:
/// published once per ticket and target.
/// </summary>
public sealed record SlaBreached(
    string TenantId,
    Guid TicketId,
    string TicketNumber,
    Guid? PersonId,
    string Target,
    string Priority,
    DateTimeOffset DueAt,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>The requester rated how a solved ticket was handled: <see cref="Rating"/> 1 (poor) to 5 (great), once per ticket.</summary>
public sealed record SatisfactionRated(
    string TenantId,
    Guid TicketId,
    string TicketNumber,
    Guid? PersonId,
    int Rating,
    string? Comment,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
