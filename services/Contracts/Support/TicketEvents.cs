namespace CrmCloud.Contracts.Support;

/// <summary>
/// A ticket was opened in support by or for <see cref="PersonId"/> (the requester, a person in contacts), for
/// <see cref="CompanyId"/> in contacts when known. <see cref="Priority"/> is <c>"low"</c>, <c>"normal"</c>,
/// <c>"high"</c> or <c>"urgent"</c>; <see cref="Channel"/> is how it came in: <c>"email"</c>, <c>"phone"</c>,
/// <c>"chat"</c>, <c>"web"</c> or <c>"api"</c>. A ticket is opened once; see <see cref="TicketSolved"/>.
/// </summary>
public sealed record TicketOpened(
    string TenantId,
    Guid TicketId,
    string TicketNumber,
    Guid PersonId,
    Guid? CompanyId,
    string Subject,
    string Priority,
    string Channel,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// A ticket was solved in support. Carries the ticket as it stood when solved (same meanings as
/// <see cref="TicketOpened"/>), so a consumer that sees it before the opening still knows the ticket.
/// </summary>
public sealed record TicketSolved(
    string TenantId,
    Guid TicketId,
    string TicketNumber,
    Guid PersonId,
    Guid? CompanyId,
    string Subject,
    string Priority,
    string Channel,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
