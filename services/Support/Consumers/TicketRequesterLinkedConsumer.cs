using CrmCloud.Contracts;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Messaging;
using CrmCloud.Support.Features.Tickets;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Support.Consumers;

/// <summary>
/// Contacts answered a ticket from an unknown email with the person it now is: the ticket takes the person, and only
/// then announces itself (TicketOpened, and TicketSolved when solved meanwhile). Once per message through the inbox,
/// and a ticket linked already stays as it is.
/// </summary>
public sealed class TicketRequesterLinkedConsumer(SupportDb db, TimeProvider time) : IConsumer<ContactLinked>
{
    public const string SourceKind = "ticket-requester";

    public Task Consume(ConsumeContext<ContactLinked> context) =>
        context.Message.SourceKind != SourceKind
            ? Task.CompletedTask
            : db.HandleOnceAsync(context, nameof(TicketRequesterLinkedConsumer), async (linked, cancellationToken) =>
            {
                var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Id == linked.SourceId, cancellationToken);
                if (ticket is null)
                {
                    return;
                }

                List<TicketChange> audit = [];
                List<IIntegrationEvent> events = [];
                // The person may have been merged into another since contacts answered.
                var person = await PersonMerge.SurvivorOfAsync(db, linked.PersonId, cancellationToken);
                if (ticket.LinkRequester(person, linked.CompanyId, time.GetUtcNow(), audit, events))
                {
                    TicketEndpoints.Record(db, audit, events);
                }
            });
}
