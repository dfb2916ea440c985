using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Stock;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Orders;

public static class OrderEndpoints
{
    private const string Resource = "order";

    public static RouteGroupBuilder MapOrders(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/v1/orders").WithTags("Orders");

        orders.MapPost("/", Place)
            .RequireScope(Scopes.Write("sales"))
            .WithName("PlaceOrder")
            .WithSummary("Place an order")
            .WithDescription(
                "Places an order for personId, a customer sales knows from contacts (a person merged into another places it for the survivor), "
                + "optionally for companyId. Lines name a product and a quantity (one line per product, up to 3 decimals) and optionally a discount: "
                + "an amount, as a decimal string in the order's currency, taken off the line. Prices come from priceListId, or without it from the "
                + "tenant's price list in currency valid today (the latest to start); the list must be in the order's currency and valid today. "
                + "Each line: unit price of the tier the quantity reaches, gross = quantity × unit price rounded half-even to the currency's minor unit, "
                + "net = gross − discount; tax per rate (the list's rate for the product's taxCategory) on the sum of the nets at that rate, rounded once per rate; "
                + "total = netTotal + taxTotal. Placing reserves every line's quantity atomically: a line that asks for more than is available is refused with 409, "
                + "naming the line and what is available, and nothing is reserved. Publishes OrderPlaced. An id may be supplied for idempotent imports.")
            .Accepts<PlaceOrderRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        orders.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetOrder")
            .WithSummary("Get an order")
            .WithDescription("The order with its lines, taxes per rate and totals as placed, its status and shipping data, and its ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        orders.MapGet("/", List)
            .RequireScope(Scopes.Read("sales"))
            .WithName("ListOrders")
            .WithSummary("List orders")
            .WithDescription("Orders in the order they were placed, a page at a time. ?personId= keeps a customer's; ?status= (placed, shipped, delivered, cancelled) those in that status.")
            .ProducesValidationProblem();

        orders.MapPost("/{id:guid}/ship", Ship)
            .RequireScope(Scopes.Write("sales"))
            .WithName("ShipOrder")
            .WithSummary("Record that a placed order shipped")
            .WithDescription(
                "From the fulfilment side: a placed order becomes shipped, with optional carrier and trackingNumber. Its reserved quantities leave "
                + "onHand and reserved alike. Publishes OrderStatusChanged. 409 unless the order is placed; If-Match with the ETag guards against lost updates (412).")
            .Accepts<ShipOrderRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        orders.MapPost("/{id:guid}/deliver", Deliver)
            .RequireScope(Scopes.Write("sales"))
            .WithName("DeliverOrder")
            .WithSummary("Record that a shipped order was delivered")
            .WithDescription("From the fulfilment side: a shipped order becomes delivered. Publishes OrderStatusChanged. 409 unless the order is shipped; If-Match guards against lost updates (412).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        orders.MapPost("/{id:guid}/cancel", Cancel)
            .RequireScope(Scopes.Write("sales"))
            .WithName("CancelOrder")
            .WithSummary("Cancel a placed order")
            .WithDescription(
                "A placed order becomes cancelled, with an optional reason, and its reservations are released. Publishes OrderCancelled and OrderStatusChanged. "
                + "409 unless the order is placed (shipped goods come back as a return); If-Match guards against lost updates (412).")
            .Accepts<CancelOrderRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return orders;
    }

    private static async Task<Results<Created<OrderResponse>, ValidationProblem, ProblemHttpResult>> Place(
        PlaceOrderRequest request, SalesDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(errors) is not { } order)
        {
            return ApiProblems.Invalid(errors);
        }

        var placed = await OrderPlacement.PlaceAsync(order, db, time, cancellationToken);
        if (placed.Result is Created<OrderResponse> { Value: { } created })
        {
            ETags.Write(response, created.Version);
        }

        return placed;
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Get(Guid id, SalesDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, order.Version);
        return TypedResults.Ok(OrderResponse.From(order));
    }

    private static async Task<Results<Ok<Page<OrderResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, Guid? personId, string? status, SalesDb db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors(page.Validate());
        var wanted = errors.OneOf<OrderStatus>("status", status);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var orders = db.Orders.AsNoTracking();
        if (personId is { } person)
        {
            orders = orders.Where(o => o.PersonId == person);
        }

        if (wanted is { } inStatus)
        {
            orders = orders.Where(o => o.Status == inStatus);
        }

        return TypedResults.Ok(await page.ReadAsync(orders, OrderResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> Ship(
        Guid id, [FromBody] ShipOrderRequest? body, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (carrier, trackingNumber) = body.Validate(errors);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        return await MoveAsync(id, db, time, request, response, (order, now) => order.Ship(carrier, trackingNumber, now), StockLevels.ShipAsync, cancellationToken);
    }

    private static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> Deliver(
        Guid id, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken) =>
        await MoveAsync(id, db, time, request, response, (order, now) => order.Deliver(now), stock: null, cancellationToken);

    private static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> Cancel(
        Guid id, [FromBody] CancelOrderRequest? body, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var reason = body.Validate(errors);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        return await MoveAsync(id, db, time, request, response, (order, now) => order.Cancel(reason, now), StockLevels.ReleaseAsync, cancellationToken);
    }

    /// <summary>
    /// One status move in one transaction: the order row first (its version guards against a second move), then
    /// the stock the move changes, products in id order, with the events in the outbox.
    /// </summary>
    private static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> MoveAsync(
        Guid id,
        SalesDb db,
        TimeProvider time,
        HttpRequest request,
        HttpResponse response,
        Func<Order, DateTimeOffset, Contracts.Sales.OrderStatusChanged?> move,
        Func<SalesDb, Guid, decimal, DateTimeOffset, CancellationToken, Task>? stock,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var loaded = await db.Orders.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } order)
        {
            return loaded.Problem!;
        }

        var was = order.Status;
        var now = time.GetUtcNow();
        if (move(order, now) is not { } changed)
        {
            return ApiProblems.Conflict(
                $"The order is {WireNames<OrderStatus>.Of(was)}.",
                $"Order {order.Number} is {WireNames<OrderStatus>.Of(was)}: orders move placed → shipped → delivered, or placed → cancelled.");
        }

        db.Publish(changed);
        if (order.Status == OrderStatus.Cancelled)
        {
            db.Publish(order.Cancelled());
        }

        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        if (stock is not null)
        {
            foreach (var line in order.Lines.OrderBy(line => line.ProductId))
            {
                await stock(db, line.ProductId, line.Quantity, now, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        ETags.Write(response, order.Version);
        return TypedResults.Ok(OrderResponse.From(order));
    }
}
