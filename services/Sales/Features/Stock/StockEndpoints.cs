using CrmCloud.Platform.Api;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Stock;

/// <summary>What the fulfilment side reports: the quantity on hand, the whole of it.</summary>
public sealed record SetStockRequest(decimal? OnHand);

public sealed record StockResponse(Guid ProductId, decimal OnHand, decimal Reserved, decimal Available, DateTimeOffset UpdatedAt, long Version)
{
    public static StockResponse From(StockLevel stock) =>
        new(stock.Id, PricingFields.Trimmed(stock.OnHand), PricingFields.Trimmed(stock.Reserved), PricingFields.Trimmed(stock.Available), stock.UpdatedAt, stock.Version);
}

public static class StockEndpoints
{
    private const string Resource = "product";

    public static RouteGroupBuilder MapStock(this IEndpointRouteBuilder app)
    {
        var stock = app.MapGroup("/api/v1/products/{id:guid}/stock").WithTags("Stock");

        stock.MapGet("/", Get)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetStock")
            .WithSummary("Get a product's stock")
            .WithDescription("onHand as the fulfilment side last set it, reserved by placed orders not yet shipped, available = onHand − reserved. Quantities are numbers with up to 3 decimals.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        stock.MapPut("/", Set)
            .RequireScope(Scopes.Write("sales"))
            .WithName("SetStock")
            .WithSummary("Set the quantity on hand")
            .WithDescription(
                "Sets onHand (at least 0) from the fulfilment side; reserved is kept by orders and cannot be set. "
                + "Refused with 409 when placed orders reserve more than the new onHand: cancel or ship them first. "
                + "Shipping an order takes its quantities out of both onHand and reserved. If-Match with the ETag guards against lost updates (412); "
                + "the ETag moves with every reservation too.")
            .Accepts<SetStockRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return stock;
    }

    private static async Task<Results<Ok<StockResponse>, ProblemHttpResult>> Get(Guid id, SalesDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var stock = await db.StockLevels.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (stock is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, stock.Version);
        return TypedResults.Ok(StockResponse.From(stock));
    }

    private static async Task<Results<Ok<StockResponse>, ValidationProblem, ProblemHttpResult>> Set(
        Guid id, SetStockRequest body, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var stock = await db.StockLevels.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (stock is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        if (!ETags.Matches(request, stock.Version))
        {
            return ApiProblems.PreconditionFailed("stock");
        }

        var errors = new FieldErrors();
        if (errors.Quantity("onHand", body.OnHand, allowZero: true) is not { } onHand)
        {
            return ApiProblems.Invalid(errors);
        }

        var guarded = request.Headers.IfMatch.Count > 0;
        if (onHand < stock.Reserved
            || !await StockLevels.TrySetOnHandAsync(db, id, onHand, guarded ? stock.Version : null, time.GetUtcNow(), cancellationToken))
        {
            // Either more is reserved than the new count, or (with If-Match) an order changed the stock meanwhile.
            var current = await db.StockLevels.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
            if (current is null)
            {
                return ApiProblems.NotFound(Resource, id);
            }

            return guarded && current.Version != stock.Version
                ? ApiProblems.PreconditionFailed("stock")
                : ApiProblems.Conflict(
                    "Placed orders reserve more than that.",
                    $"Placed orders reserve {PricingFields.QuantityText(current.Reserved)} of this product; onHand cannot go below that until they ship or are cancelled.");
        }

        var updated = await db.StockLevels.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (updated is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, updated.Version);
        return TypedResults.Ok(StockResponse.From(updated));
    }
}
