using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.PriceLists;

/// <summary>Which price list prices an order, a quote or an opportunity's line items.</summary>
public static class PriceListChoice
{
    /// <summary>
    /// The named price list, or without a name the tenant's list in <paramref name="currency"/> valid on
    /// <paramref name="day"/> (the latest to start, if several are); null with the error naming the field otherwise.
    /// </summary>
    public static async Task<PriceList?> FindAsync(
        SalesDb db, string currency, Guid? priceListId, DateOnly day, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (priceListId is not { } id)
        {
            var valid = await db.PriceLists.AsNoTracking()
                .Where(p => p.Details.Currency == currency && p.Details.ValidFrom <= day && (p.Details.ValidTo == null || p.Details.ValidTo >= day))
                .OrderByDescending(p => p.Details.ValidFrom).ThenByDescending(p => p.Id)
                .FirstOrDefaultAsync(cancellationToken);
            if (valid is null)
            {
                errors.Add("priceListId", $"No price list in {currency} is valid on {day:yyyy-MM-dd}; create one or name one.");
            }

            return valid;
        }

        var list = await db.PriceLists.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (list is null)
        {
            errors.Add("priceListId", $"No price list with id {id}.");
        }
        else if (list.Details.Currency != currency)
        {
            errors.Add("currency", $"The price list {list.Details.Name} is in {list.Details.Currency}; prices come from a list in the same currency only.");
        }
        else if (!list.IsValidOn(day))
        {
            errors.Add("priceListId", $"The price list {list.Details.Name} is not valid on {day:yyyy-MM-dd}.");
        }

        return errors.IsEmpty ? list : null;
    }
}
