using CrmCloud.Campaign.Features.Delivery;
using CrmCloud.Contracts.Sales;
using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Campaign.Features.Attribution;

/// <summary>
/// Gives an order to at most one campaign: the one sales names on the order, else the one whose offer code it carries,
/// else the campaign that most recently reached the person (delivered, or listed at its start) whose attribution
/// window holds the order time. The recipient then has responded <c>converted</c>. Runs inside the consumer's inbox transaction.
/// </summary>
public sealed class OrderAttribution(CampaignDb db)
{
    public async Task AttributeAsync(OrderPlaced order, bool cancelled, CancellationToken cancellationToken)
    {
        if (await db.Conversions.AnyAsync(c => c.OrderId == order.OrderId, cancellationToken))
        {
            return;
        }

        var code = order.OfferCode?.Trim().ToUpperInvariant();
        CampaignRecipient? recipient = null;
        Guid? campaignId = null;
        var via = "offer-code";
        if (order.CampaignId is { } named && await db.Campaigns.AnyAsync(c => c.Id == named && c.LaunchedAt != null, cancellationToken))
        {
            campaignId = named;
            recipient = await db.Recipients.FirstOrDefaultAsync(r => r.CampaignId == named && r.PersonId == order.PersonId, cancellationToken);
            via = code is null ? "named" : via;
        }
        else if (code is not null)
        {
            // A unique code names its recipient; a shared one is the person's own recipient row of the campaign, if any.
            recipient = await db.Recipients.Where(r => r.OfferCode == code).OrderByDescending(r => r.PersonId == order.PersonId).FirstOrDefaultAsync(cancellationToken);
            campaignId = recipient?.CampaignId;
        }

        if (campaignId is null)
        {
            // Reached: an email delivered (from when it was sent) or a person listed for an sms or phone campaign (from its start).
            via = "window";
            var reached = await db.Recipients
                .Where(r => r.PersonId == order.PersonId && (r.Status == "delivered" || r.Status == "listed"))
                .Join(db.Campaigns, r => r.CampaignId, c => c.Id, (r, c) => new { Recipient = r, Campaign = c })
                .ToListAsync(cancellationToken);
            recipient = reached
                .Select(x => new { x.Recipient, From = x.Recipient.SentAt ?? x.Campaign.SendFrom, x.Campaign.Details.AttributionDays })
                .Where(x => x.From <= order.OccurredAt && x.From.AddDays(x.AttributionDays) >= order.OccurredAt)
                .OrderByDescending(x => x.From)
                .Select(x => x.Recipient)
                .FirstOrDefault();
            campaignId = recipient?.CampaignId;
        }

        if (campaignId is not { } won)
        {
            return;
        }

        var currency = Money.CurrencyCode(order.Currency)!;
        var conversion = CampaignConversion.Of(db.Tenant.TenantId, order.OrderId, won, order.PersonId, Currencies.Round(order.NetTotal, currency), currency, via, order.OccurredAt);
        if (cancelled)
        {
            conversion.Cancel();
        }

        db.Conversions.Add(conversion);
        if (recipient is not null && recipient.PersonId == order.PersonId)
        {
            await Responses.RecipientResponses.RecordAsync(db, recipient, "converted", order.OccurredAt, cancellationToken);
        }
    }

    public async Task CancelAsync(Guid orderId, CancellationToken cancellationToken)
    {
        if (await db.Conversions.FirstOrDefaultAsync(c => c.OrderId == orderId, cancellationToken) is { } conversion)
        {
            conversion.Cancel();
        }
    }
}
