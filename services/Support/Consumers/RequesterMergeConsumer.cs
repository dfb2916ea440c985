using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Messaging;
using CrmCloud.Support.Features.Tickets;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Support.Consumers;

/// <summary>
/// Moves the tickets of people merged in contacts to the survivor, each with a line in its audit trail, once per message
/// through the inbox; and remembers each merge, so that a later fact naming a merged id (a linked requester, an overdue
/// invoice) is the survivor's. Their overdue invoices go with them. The requester copies themselves follow the merge in <see cref="ContactChangedConsumer"/>.
/// </summary>
public sealed class RequesterMergeConsumer(SupportDb db, TimeProvider time) : IConsumer<ContactsMerged>
{
    public Task Consume(ConsumeContext<ContactsMerged> context) =>
        db.HandleOnceAsync(context, nameof(RequesterMergeConsumer), async (message, cancellationToken) =>
        {
            var now = time.GetUtcNow();
            var survivor = message.PersonId;
            Guid[] merged = [.. message.Merged.Select(m => m.PersonId).Where(id => id != survivor).Distinct()];
            await PersonMerge.RecordAsync(db, survivor, merged, now, cancellationToken);

            var tickets = await db.Tickets.Where(t => t.RequesterPersonId != null && merged.Contains(t.RequesterPersonId.Value)).ToListAsync(cancellationToken);
            List<TicketChange> audit = [];
            foreach (var ticket in tickets)
            {
                ticket.MoveRequester(survivor, now, audit);
            }

            db.TicketChanges.AddRange(audit);
            await db.DunningInvoices.Where(i => merged.Contains(i.PersonId)).ExecuteUpdateAsync(i => i.SetProperty(x => x.PersonId, survivor), cancellationToken);
        });
}
