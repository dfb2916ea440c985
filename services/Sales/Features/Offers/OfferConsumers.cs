using CrmCloud.Contracts.Campaign;
using CrmCloud.Platform.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Offers;

/// <summary>Keeps the newest publication of each campaign's offer, once per message through the inbox.</summary>
public sealed class CampaignOfferConsumer(SalesDb db) : IConsumer<CampaignOfferPublished>
{
    public Task Consume(ConsumeContext<CampaignOfferPublished> context) =>
        db.HandleOnceAsync(context, nameof(CampaignOfferConsumer), async (message, cancellationToken) =>
        {
            var offer = await db.CampaignOffers.FirstOrDefaultAsync(o => o.Id == message.CampaignId, cancellationToken);
            if (offer is null)
            {
                db.CampaignOffers.Add(CampaignOffer.From(message));
            }
            else
            {
                offer.Apply(message);
            }
        });
}

/// <summary>
/// Records the unique codes a campaign issued; a code sales knows already keeps its person and its redemption, so
/// a batch delivered twice changes nothing.
/// </summary>
public sealed class OfferCodesConsumer(SalesDb db) : IConsumer<CampaignOfferCodesIssued>
{
    public Task Consume(ConsumeContext<CampaignOfferCodesIssued> context) =>
        db.HandleOnceAsync(context, nameof(OfferCodesConsumer), async (message, cancellationToken) =>
        {
            string[] codes = [.. message.Codes.Select(code => OfferCodes.Normalize(code.Code))];
            Guid[] people = [.. message.Codes.Select(code => code.PersonId)];
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO issued_offer_codes (tenant_id, code, campaign_id, person_id)
                SELECT {message.TenantId}, code, {message.CampaignId}, person_id FROM unnest({codes}, {people}) AS issued (code, person_id)
                ON CONFLICT DO NOTHING
                """,
                cancellationToken);
        });
}
