namespace CrmCloud.Contracts.Support;

/// <summary>
/// A ticket came in from an email address support does not know as a person. Contacts reuses the tenant's
/// person with that <see cref="Email"/> when there is one, otherwise it creates one with
/// <see cref="ProposedPersonId"/> (named <see cref="Name"/> when the mail gave one); either way it answers with
/// <see cref="CrmCloud.Contracts.Contacts.ContactLinked"/> (source kind <c>"ticket-requester"</c>, source id
/// <see cref="TicketId"/>).
/// </summary>
public sealed record TicketRequesterCaptured(
    string TenantId,
    Guid TicketId,
    Guid ProposedPersonId,
    string Email,
    string? Name,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
