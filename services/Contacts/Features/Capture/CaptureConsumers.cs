using CrmCloud.Contracts.Sales;
using CrmCloud.Contracts.Support;
using CrmCloud.Platform.Messaging;
using MassTransit;

namespace CrmCloud.Contacts.Features.Capture;

/// <summary>A lead converted in sales becomes (or finds) its person and company here, once per message through the inbox.</summary>
public sealed class LeadConvertedConsumer(ContactsDb db, TimeProvider time) : IConsumer<LeadConverted>
{
    public const string SourceKind = "lead";

    public Task Consume(ConsumeContext<LeadConverted> context) =>
        db.HandleOnceAsync(context, nameof(LeadConvertedConsumer), (message, cancellationToken) =>
            new ContactCapture(db, time).LinkAsync(
                new CapturedContact(
                    SourceKind, message.LeadId, message.ProposedPersonId, message.ProposedCompanyId, message.FirstName, message.LastName,
                    message.Email, message.Phone, message.CompanyName, message.Source, message.OwnerId, message.OccurredAt),
                cancellationToken));
}

/// <summary>A ticket from an unknown email address becomes (or finds) its person here, once per message through the inbox.</summary>
public sealed class TicketRequesterCapturedConsumer(ContactsDb db, TimeProvider time) : IConsumer<TicketRequesterCaptured>
{
    public const string SourceKind = "ticket-requester";

    public Task Consume(ConsumeContext<TicketRequesterCaptured> context) =>
        db.HandleOnceAsync(context, nameof(TicketRequesterCapturedConsumer), (message, cancellationToken) =>
        {
            // The mail's display name: the last word is taken as the last name, the rest as the first.
            var words = message.Name?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            var firstName = words.Length > 1 ? string.Join(' ', words[..^1]) : null;
            var lastName = words.Length > 0 ? words[^1] : null;
            return new ContactCapture(db, time).LinkAsync(
                new CapturedContact(
                    SourceKind, message.TicketId, message.ProposedPersonId, null, firstName, lastName, message.Email, null, null, "support", null, message.OccurredAt),
                cancellationToken);
        });
}
