using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Messaging;
using CrmCloud.Support.Features.Tickets;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Support.Consumers;

/// <summary>
/// A requester erased in contacts leaves tickets without personal data, once per message through the inbox: each of
/// their tickets drops the requester's address and name, their own messages (what they wrote in) lose their words and
/// address, and their survey comments go. The tickets, agents' replies and ratings stay, as the company's record of
/// the work. The requester copy itself becomes a tombstone in <see cref="ContactChangedConsumer"/>.
/// </summary>
public sealed class RequesterErasureConsumer(SupportDb db, TimeProvider time) : IConsumer<ContactErased>
{
    public Task Consume(ConsumeContext<ContactErased> context) =>
        db.HandleOnceAsync(context, nameof(RequesterErasureConsumer), async (message, cancellationToken) =>
        {
            var now = time.GetUtcNow();
            var tickets = await db.Tickets.Where(t => t.RequesterPersonId == message.PersonId).ToListAsync(cancellationToken);
            List<TicketChange> audit = [];
            foreach (var ticket in tickets)
            {
                ticket.EraseRequester(now, audit);
            }

            db.TicketChanges.AddRange(audit);
            Guid[] ids = [.. tickets.Select(t => t.Id)];
            // Messages without an agent as author are the requester's own.
            await db.TicketMessages
                .Where(m => ids.Contains(m.TicketId) && m.AuthorId == null)
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.Body, TicketMessage.ErasedBody).SetProperty(x => x.AuthorEmail, (string?)null), cancellationToken);
            await db.SatisfactionSurveys
                .Where(s => ids.Contains(s.TicketId) && s.Comment != null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Comment, (string?)null), cancellationToken);
        });
}
