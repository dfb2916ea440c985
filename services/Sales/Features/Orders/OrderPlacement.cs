using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Customers;
using CrmCloud.Sales.Features.Numbering;
using CrmCloud.Sales.Features.Offers;
using CrmCloud.Sales.Features.PriceLists;
using CrmCloud.Sales.Features.Stock;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Orders;

/// <summary>A line that asks for more than is available, as the 409 names it.</summary>
public sealed record StockShortage(int Line, Guid ProductId, string Sku, decimal Requested, decimal Available);

/// <summary>
/// Places an order in one transaction: the customer, the price list, the products, the offer code, the stock
/// reservations, the order number, the order and its <c>OrderPlaced</c> outbox row commit together, or nothing does.
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

        var priceList = await PriceListChoice.FindAsync(db, request.Currency, request.PriceListId, DateOnly.FromDateTime(now.UtcDateTime), errors, cancellationToken);
        var productIds = request.Lines.Select(line => line.ProductId).ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        if (priceList is null || personId is null || OrderPricing.Price(request.Lines, priceList, products, errors) is not { } priced)
        {
            return ApiProblems.Invalid(errors);
        }

        var id = request.Id ?? Ids.New();
        AppliedOffer? offer = null;
        if (request.OfferCode is { } code)
        {
            var (discounted, applied) = await OfferCodes.ApplyAsync(db, code, personId.Value, id, priced, now, errors, cancellationToken);
            if (discounted is null)
            {
                return ApiProblems.Invalid(errors);
            }

            (priced, offer) = (discounted, applied);
        }

        var (order, problem) = await AddAsync(db, new OrderDraft(id, personId.Value, request.CompanyId, priceList.Id, priced, request.ShippingAddress, offer), now, cancellationToken);
        if (order is null)
        {
            // Disposing the transaction rolls back whatever was reserved or redeemed.
            return problem!;
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/orders/{order.Id}", OrderResponse.From(order));
    }

    /// <summary>
    /// Reserves the draft's stock, numbers it and saves the order with its <c>OrderPlaced</c>, in the caller's
    /// transaction, which the caller commits; a shortage or a taken id is the problem to answer instead.
    /// </summary>
    public static async Task<(Order? Order, ProblemHttpResult? Problem)> AddAsync(SalesDb db, OrderDraft draft, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var shortages = await ReserveAsync(db, draft.Priced.Lines, now, cancellationToken);
        if (shortages.Count > 0)
        {
            return (null, ShortOfStock(shortages));
        }

        var number = await NumberSeries.NextAsync(db, NumberSeries.Orders, cancellationToken);
        var order = Order.Place(db.Tenant.TenantId, number, draft, now);
        db.Orders.Add(order);
        db.Publish(order.Placed());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return (null, ApiProblems.Conflict("The id is taken.", $"A resource with id {order.Id} already exists."));
        }

        return (order, null);
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
