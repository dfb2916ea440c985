using CrmCloud.Campaign.Features.Audience;
using CrmCloud.Campaign.Features.Attribution;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Contracts.Sales;
using CrmCloud.Contracts.Support;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Campaign.Consumers;

/// <summary>
/// Behaviour facts for segments, from sales and support: orders (spend, last order; attributed to campaigns as they
/// arrive) and tickets (open ones). Each fact is keyed by its order or ticket, so placements, cancellations, openings
/// and solvings may arrive in any order. A fact naming a person merged in contacts is the survivor's.
/// </summary>
public sealed class AudienceBehaviourConsumer(CampaignDb db, OrderAttribution attribution, TimeProvider time) :
    IConsumer<OrderPlaced>,
    IConsumer<OrderCancelled>,
    IConsumer<TicketOpened>,
    IConsumer<TicketSolved>,
    IConsumer<ContactsMerged>
{
    private const string Name = nameof(AudienceBehaviourConsumer);

    public Task Consume(ConsumeContext<OrderPlaced> context) =>
        db.HandleOnceAsync(context, Name, async (message, cancellationToken) =>
        {
            var personId = await PersonMerge.SurvivorOfAsync(db, message.PersonId, cancellationToken);
            var order = await OrderAsync(message.OrderId, personId, message.NetTotal, message.Currency, cancellationToken);
            order.Place(message.OccurredAt);
            await attribution.AttributeAsync(message with { PersonId = personId }, order.Cancelled, cancellationToken);
        });

    public Task Consume(ConsumeContext<OrderCancelled> context) =>
        db.HandleOnceAsync(context, Name, async (message, cancellationToken) =>
        {
            var personId = await PersonMerge.SurvivorOfAsync(db, message.PersonId, cancellationToken);
            var order = await OrderAsync(message.OrderId, personId, message.NetTotal, message.Currency, cancellationToken);
            order.Cancel();
            await attribution.CancelAsync(message.OrderId, cancellationToken);
        });

    public Task Consume(ConsumeContext<TicketOpened> context) =>
        db.HandleOnceAsync(context, Name, async (message, cancellationToken) =>
            await TicketAsync(message.TicketId, message.PersonId, message.OccurredAt, cancellationToken));

    public Task Consume(ConsumeContext<TicketSolved> context) =>
        db.HandleOnceAsync(context, Name, async (message, cancellationToken) =>
            (await TicketAsync(message.TicketId, message.PersonId, message.OccurredAt, cancellationToken)).Solve());

    public Task Consume(ConsumeContext<ContactsMerged> context) =>
        db.HandleOnceAsync(context, Name, async (message, cancellationToken) =>
        {
            var now = time.GetUtcNow();
            var survivor = message.PersonId;
            Guid[] merged = [.. message.Merged.Select(m => m.PersonId).Where(id => id != survivor).Distinct()];
            var known = await db.PersonMerges.Where(m => merged.Contains(m.MergedPersonId) || merged.Contains(m.SurvivorId)).ToListAsync(cancellationToken);
            foreach (var record in known)
            {
                record.MoveTo(survivor, now);
            }

            foreach (var id in merged.Where(id => !known.Any(record => record.MergedPersonId == id)))
            {
                db.PersonMerges.Add(PersonMerge.Of(db.Tenant.TenantId, id, survivor, now));
            }

            await db.AudienceOrders.Where(o => merged.Contains(o.PersonId)).ExecuteUpdateAsync(o => o.SetProperty(x => x.PersonId, survivor), cancellationToken);
            await db.AudienceTickets.Where(t => merged.Contains(t.PersonId)).ExecuteUpdateAsync(t => t.SetProperty(x => x.PersonId, survivor), cancellationToken);
            await db.AudienceConsents.Where(c => merged.Contains(c.PersonId)).ExecuteDeleteAsync(cancellationToken);
        });

    private async Task<AudienceOrder> OrderAsync(Guid orderId, Guid personId, decimal netTotal, string currency, CancellationToken cancellationToken)
    {
        var order = await db.AudienceOrders.FirstOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        if (order is null)
        {
            // A currency that is not ISO 4217 is the publisher's defect: throwing parks the message for a person to look at.
            var code = Money.CurrencyCode(currency) ?? throw new InvalidOperationException($"'{currency}' is not an ISO 4217 currency code.");
            order = AudienceOrder.Of(db.Tenant.TenantId, orderId, personId, netTotal, code);
            db.AudienceOrders.Add(order);
        }

        return order;
    }

    private async Task<AudienceTicket> TicketAsync(Guid ticketId, Guid personId, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        var ticket = await db.AudienceTickets.FirstOrDefaultAsync(t => t.TicketId == ticketId, cancellationToken);
        if (ticket is null)
        {
            ticket = AudienceTicket.Of(db.Tenant.TenantId, ticketId, await PersonMerge.SurvivorOfAsync(db, personId, cancellationToken), occurredAt);
            db.AudienceTickets.Add(ticket);
        }

        return ticket;
    }
}
