using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Orders;
using CrmCloud.Sales.Features.PriceLists;
using CrmCloud.Sales.Features.Pricing;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Opportunities;

/// <summary>
/// A product an opportunity would sell, in the opportunity's currency: <see cref="NetAmount"/> is quantity × unit
/// price rounded half-even to the minor unit, less <see cref="Discount"/>.
/// </summary>
public sealed record OpportunityLineItem(Guid ProductId, string Sku, string Name, decimal Quantity, decimal UnitPrice, decimal Discount, decimal NetAmount);

/// <summary>The whole set of an opportunity's line items, replacing what it had.</summary>
public sealed record LineItemsRequest(LineRequest?[]? LineItems);

public sealed record LineItemResponse(Guid ProductId, string Sku, string Name, decimal Quantity, Money UnitPrice, Money Discount, Money NetAmount)
{
    public static LineItemResponse From(OpportunityLineItem item, string currency) => new(
        item.ProductId, item.Sku, item.Name, PricingFields.Trimmed(item.Quantity), Money.Of(item.UnitPrice, currency), Money.Of(item.Discount, currency), Money.Of(item.NetAmount, currency));
}

/// <summary>
/// An opportunity's products. With line items, its amount is their sum and follows them; a quote made from the
/// opportunity starts from them.
/// </summary>
public static class OpportunityLineItems
{
    public static RouteGroupBuilder MapLineItems(this RouteGroupBuilder opportunities)
    {
        opportunities.MapPut("/{id:guid}/line-items", Replace)
            .RequireScope(Scopes.Write("sales"))
            .WithName("ReplaceOpportunityLineItems")
            .WithSummary("Replace an open opportunity's line items")
            .WithDescription(
                "lineItems is the whole new set (empty removes them): each names a productId and a quantity (one item per product), optionally a unitPrice "
                + "(a decimal string; without it, the unit price of the tier the quantity reaches in the tenant's price list in the opportunity's currency valid today) "
                + "and a discount (an amount). With line items the opportunity's amount is the sum of their nets and cannot be patched on its own. "
                + "409 when the opportunity is closed; If-Match with the ETag guards against lost updates (412).")
            .Accepts<LineItemsRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return opportunities;
    }

    private static async Task<Results<Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        Guid id, LineItemsRequest body, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Opportunities.FindForChangeAsync(id, request, "opportunity", cancellationToken);
        if (loaded.Resource is not { } opportunity)
        {
            return loaded.Problem!;
        }

        if (opportunity.Status != OpportunityStatus.Open)
        {
            return ApiProblems.Conflict("A closed opportunity keeps its line items.", $"The opportunity is {WireNames<OpportunityStatus>.Of(opportunity.Status)}.");
        }

        var errors = new FieldErrors();
        var now = time.GetUtcNow();
        var currency = opportunity.Details.Currency;
        var lines = errors.Lines("lineItems", body.LineItems ?? [], currency, allowNone: true);
        if (!errors.IsEmpty || await PriceAsync(db, lines, currency, DateOnly.FromDateTime(now.UtcDateTime), errors, cancellationToken) is not { } items)
        {
            return ApiProblems.Invalid(errors);
        }

        if (opportunity.ReplaceLineItems(items, now) && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed("opportunity");
        }

        ETags.Write(response, opportunity.Version);
        return TypedResults.Ok(OpportunityResponse.From(opportunity));
    }

    /// <summary>Each line priced in <paramref name="currency"/>; the price list is looked up only when a line has no unit price of its own.</summary>
    private static async Task<OpportunityLineItem[]?> PriceAsync(
        SalesDb db, List<LineToPlace> lines, string currency, DateOnly today, FieldErrors errors, CancellationToken cancellationToken)
    {
        var productIds = lines.Select(line => line.ProductId).ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        var priceList = lines.Any(line => line.UnitPrice is null)
            ? await PriceListChoice.FindAsync(db, currency, null, today, new FieldErrors(), cancellationToken)
            : null;
        var items = new List<OpportunityLineItem>();
        foreach (var (line, index) in lines.Select((line, index) => (line, index)))
        {
            var field = $"lineItems[{index}]";
            if (!products.TryGetValue(line.ProductId, out var product))
            {
                errors.Add($"{field}.productId", $"No product with id {line.ProductId}.");
                continue;
            }

            if ((line.UnitPrice ?? priceList?.TierFor(product.Id, line.Quantity)?.UnitPrice) is not { } unitPrice)
            {
                errors.Add($"{field}.unitPrice", $"No price list in {currency} valid today prices {product.Details.Sku} at this quantity: give a unitPrice.");
                continue;
            }

            var gross = Currencies.Round(line.Quantity * unitPrice, currency);
            if (line.Discount > gross)
            {
                errors.Add($"{field}.discount", $"At most the line's amount before discount, {Money.Of(gross, currency).Amount} {currency}.");
                continue;
            }

            items.Add(new OpportunityLineItem(product.Id, product.Details.Sku, product.Details.Name, line.Quantity, unitPrice, line.Discount, gross - line.Discount));
        }

        return errors.IsEmpty ? [.. items] : null;
    }
}
