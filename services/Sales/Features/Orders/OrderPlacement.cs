using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Customers;
using CrmCloud.Sales.Features.PriceLists;
using CrmCloud.Sales.Features.Stock;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Orders;

/// <summary>A line that asks for more than is available, as the 409 names it.</summary>
public sealed record StockShortage(int Line, Guid ProductId, string Sku, decimal Requested, decimal Available);

/// <summary>
/// Places an order in one transaction: the customer, the price list, the products, the stock reservations, the
/// order number, the order and its <c>OrderPlaced</c> outbox row commit together, or nothing does.
/// </summary>
public static class OrderPlacement
{
    public static async Task<Results<Created<OrderResponse>, ValidationProblem, ProblemHttpResult>> PlaceAsync(
        OrderToPlace request, SalesDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var personId = await CustomerLocks.LockCustomerAsync(db, request.PersonId, cancellationToken);
        if (personId is null)
        {
            errors.Add("personId", $"No customer with person id {request.PersonId}: sales knows the people contacts has told it about.");
        }

        var priceList = await FindPriceListAsync(db, request, DateOnly.FromDateTime(now.UtcDateTime), errors, cancellationToken);
        var productIds = request.Lines.Select(line => line.ProductId).ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        if (priceList is null || personId is null || OrderPricing.Price(request.Lines, priceList, products, errors) is not { } priced)
        {
            return ApiProblems.Invalid(errors);
        }

        var shortages = await ReserveAsync(db, priced.Lines, now, cancellationToken);
        if (shortages.Count > 0)
        {
            // Disposing the transaction rolls back the reservations that did succeed.
            return ShortOfStock(shortages);
        }

        var number = await OrderCounter.NextNumberAsync(db, cancellationToken);
        var order = Order.Place(db.Tenant.TenantId, request.Id ?? Ids.New(), number, personId.Value, request.CompanyId, priceList.Id, priced, request.ShippingAddress, now);
        db.Orders.Add(order);
        db.Publish(order.Placed());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"A resource with id {order.Id} already exists.");
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/orders/{order.Id}", OrderResponse.From(order));
    }

    /// <summary>The named price list, or the tenant's one in the order's currency valid today (the latest to start, if several are).</summary>
    private static async Task<PriceList?> FindPriceListAsync(SalesDb db, OrderToPlace request, DateOnly today, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (request.PriceListId is not { } id)
        {
            var valid = await db.PriceLists.AsNoTracking()
                .Where(p => p.Details.Currency == request.Currency && p.Details.ValidFrom <= today && (p.Details.ValidTo == null || p.Details.ValidTo >= today))
                .OrderByDescending(p => p.Details.ValidFrom).ThenByDescending(p => p.Id)
                .FirstOrDefaultAsync(cancellationToken);
            if (valid is null)
            {
                errors.Add("priceListId", $"No price list in {request.Currency} is valid today ({today:yyyy-MM-dd}); create one or name one.");
            }

            return valid;
        }

        var list = await db.PriceLists.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (list is null)
        {
            errors.Add("priceListId", $"No price list with id {id}.");
        }
        else if (list.Details.Currency != request.Currency)
        {
            errors.Add("currency", $"The price list {list.Details.Name} is in {list.Details.Currency}; an order is priced in its price list's currency only.");
        }
        else if (!list.IsValidOn(today))
        {
            errors.Add("priceListId", $"The price list {list.Details.Name} is not valid today ({today:yyyy-MM-dd}).");
        }

        return errors.IsEmpty ? list : null;
    }

    /// <summary>Reserves every line's quantity, products in id order; returns the lines that could not be reserved.</summary>
    private static async Task<List<StockShortage>> ReserveAsync(SalesDb db, IReadOnlyList<PricedLine> lines, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var shortages = new List<StockShortage>();
        foreach (var (line, index) in lines.Select((line, index) => (line, index)).OrderBy(pair => pair.line.ProductId))
        {
            if (!await StockLevels.TryReserveAsync(db, line.ProductId, line.Quantity, now, cancellationToken))
            {
                var available = await db.StockLevels.Where(s => s.Id == line.ProductId).Select(s => (decimal?)(s.OnHand - s.Reserved)).FirstOrDefaultAsync(cancellationToken);
                shortages.Add(new StockShortage(index, line.ProductId, line.Sku, PricingFields.Trimmed(line.Quantity), PricingFields.Trimmed(Math.Max(available ?? 0, 0))));
            }
        }

        return [.. shortages.OrderBy(shortage => shortage.Line)];
    }

    private static ProblemHttpResult ShortOfStock(List<StockShortage> shortages) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Not enough stock.",
            detail: string.Join(
                " ",
                shortages.Select(s => $"lines[{s.Line}] asks for {PricingFields.QuantityText(s.Requested)} of {s.Sku}; {PricingFields.QuantityText(s.Available)} available.")),
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = shortages.ToDictionary(s => $"lines[{s.Line}].quantity", s => new[] { $"{PricingFields.QuantityText(s.Available)} available." }),
                ["shortages"] = shortages,
            });
}
