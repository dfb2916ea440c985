using CrmCloud.Platform.Api;
using CrmCloud.Sales.Features.Orders;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Offers;

/// <summary>The campaign an order's offer code came from, as the order keeps it.</summary>
public sealed record AppliedOffer(Guid CampaignId, string Code, string? Terms);

/// <summary>
/// Honours a campaign's offer code on an order: finds the offer (a recipient's unique code first, then a shared
/// code), checks it holds for this customer now, takes its discount off the lines and redeems a unique code, all in
/// the placing transaction.
/// </summary>
public static class OfferCodes
{
    public const int MaxLength = 64;

    /// <summary>Codes are compared without case and surrounding blanks: people type them.</summary>
    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    /// <returns>The order priced with the offer's discount and the offer applied, or nulls with the error on <c>offerCode</c>.</returns>
    public static async Task<(PricedOrder? Priced, AppliedOffer? Offer)> ApplyAsync(
        SalesDb db, string code, Guid personId, Guid orderId, PricedOrder priced, DateTimeOffset now, FieldErrors errors, CancellationToken cancellationToken)
    {
        const string field = "offerCode";
        var normalized = Normalize(code);
        var issued = await db.IssuedOfferCodes.AsNoTracking().FirstOrDefaultAsync(c => c.Code == normalized, cancellationToken);
        var offer = issued is not null
            ? await db.CampaignOffers.AsNoTracking().FirstOrDefaultAsync(o => o.Id == issued.CampaignId, cancellationToken)
            : await db.CampaignOffers.AsNoTracking()
                .Where(o => o.SharedCode == normalized && o.CodeKind == OfferCodeKind.Shared && !o.Withdrawn)
                .OrderByDescending(o => o.ValidFrom).ThenByDescending(o => o.UpdatedAt)
                .FirstOrDefaultAsync(cancellationToken);

        var refusal = offer is null ? $"No campaign offer has the code {code.Trim()}."
            : issued is not null && issued.PersonId != personId ? "The code was issued to another customer."
            : issued is not null && issued.RedeemedOrderId is not null ? "The code was redeemed already."
            : offer.Refusal(now)
            ?? (offer.DiscountAmount is not null && offer.Currency != priced.Currency
                ? $"The offer takes {offer.Currency} off; the order is in {priced.Currency}."
                : null);
        if (refusal is not null)
        {
            errors.Add(field, refusal);
            return (null, null);
        }

        // The row lock makes a second order with the same code wait, then find the code taken.
        if (issued is not null && await db.IssuedOfferCodes
                .Where(c => c.Code == normalized && c.RedeemedOrderId == null)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.RedeemedOrderId, orderId).SetProperty(x => x.RedeemedAt, now), cancellationToken) == 0)
        {
            errors.Add(field, "The code was redeemed already.");
            return (null, null);
        }

        return (Discounted(priced, offer!.DiscountPercent, offer.DiscountAmount), new AppliedOffer(offer.Id, normalized, offer.Terms));
    }

    /// <summary>
    /// The lines with the offer's discount added to their own: a percentage of each line's net, rounded per line;
    /// an amount (at most the net total) shared out in proportion to the lines' nets, the rounding remainder on the
    /// largest line. Taxes and totals are worked out again from the lines.
    /// </summary>
    public static PricedOrder Discounted(PricedOrder priced, decimal? percent, decimal? amount)
    {
        var currency = priced.Currency;
        var lines = priced.Lines;
        decimal[] extra;
        if (percent is { } rate)
        {
            extra = [.. lines.Select(line => Math.Min(Currencies.Round(line.NetAmount * rate / 100m, currency), line.NetAmount))];
        }
        else if (amount is { } off && priced.NetTotal > 0)
        {
            var total = Math.Min(off, priced.NetTotal);
            extra = [.. lines.Select(line => Currencies.Round(total * line.NetAmount / priced.NetTotal, currency))];
            var largest = lines.Select((line, index) => (line.NetAmount, index)).Max().index;
            extra[largest] = Math.Min(extra[largest] + total - extra.Sum(), lines[largest].NetAmount);
        }
        else
        {
            return priced;
        }

        PricedLine[] discounted = [.. lines.Select((line, index) => line with { Discount = line.Discount + extra[index], NetAmount = line.NetAmount - extra[index] })];
        return OrderPricing.Totals(currency, discounted);
    }
}
