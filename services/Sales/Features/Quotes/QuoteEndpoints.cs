using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Customers;
using CrmCloud.Sales.Features.Numbering;
using CrmCloud.Sales.Features.Opportunities;
using CrmCloud.Sales.Features.Orders;
using CrmCloud.Sales.Features.PriceLists;
using CrmCloud.Sales.Features.Pricing;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Quotes;

public static class QuoteEndpoints
{
    private const string Resource = "quote";

    public static RouteGroupBuilder MapQuotes(this IEndpointRouteBuilder app)
    {
        var quotes = app.MapGroup("/api/v1/quotes").WithTags("Quotes");

        quotes.MapPost("/", Create)
            .RequireScope(Scopes.Write("sales"))
            .WithName("CreateQuote")
            .WithSummary("Make a quote from an open opportunity")
            .WithDescription(
                "A draft quote for the opportunity's customer and company, in the opportunity's currency. lines default to the opportunity's line items; "
                + "each line names a productId and quantity, optionally a negotiated unitPrice and a discount (decimal strings). Lines are priced as orders are "
                + "(a line without a unitPrice takes its tier's price) with the tax rates of priceListId, by default the tenant's list in the currency valid today. "
                + $"validUntil (a date, today or later) defaults to {QuoteRequests.DefaultValidityDays} days from today; terms is free text. Numbered QT-000001 on per tenant.")
            .Accepts<CreateQuoteRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        quotes.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetQuote")
            .WithSummary("Get a quote")
            .WithDescription("The quote with its lines, taxes and totals, its status (draft, sent, accepted, declined), whether it has expired unanswered, the order accepting it placed, and its ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        quotes.MapGet("/", List)
            .RequireScope(Scopes.Read("sales"))
            .WithName("ListQuotes")
            .WithSummary("List quotes")
            .WithDescription("Quotes in creation order, a page at a time. Filters: ?opportunityId=, ?personId=, ?status= (draft, sent, accepted, declined).")
            .ProducesValidationProblem();

        quotes.MapPost("/{id:guid}/send", Send)
            .RequireScope(Scopes.Write("sales"))
            .WithName("SendQuote")
            .WithSummary("Mark a draft quote sent to the customer")
            .WithDescription("A draft becomes sent; its lines and prices are fixed from then on. 409 unless it is a draft; If-Match guards against lost updates (412).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        quotes.MapPost("/{id:guid}/accept", Accept)
            .RequireScope(Scopes.Write("sales"))
            .WithName("AcceptQuote")
            .WithSummary("Accept a sent quote, placing its order")
            .WithDescription(
                "In one transaction the quote becomes accepted and an order is placed at exactly the quote's lines, prices, taxes and totals, with an optional "
                + "shippingAddress: stock is reserved (409 naming the short lines, and the quote stays sent) and OrderPlaced is published. The quote's orderId names "
                + "the order. 409 unless the quote is sent and not past validUntil; If-Match guards against lost updates (412).")
            .Accepts<AcceptQuoteRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        quotes.MapPost("/{id:guid}/decline", Decline)
            .RequireScope(Scopes.Write("sales"))
            .WithName("DeclineQuote")
            .WithSummary("Record that the customer declined a sent quote")
            .WithDescription($"A sent quote becomes declined, with an optional reason (up to {QuoteRequests.ReasonLength} characters). 409 unless it is sent; If-Match guards against lost updates (412).")
            .Accepts<DeclineQuoteRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        quotes.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("sales"))
            .WithName("DeleteQuote")
            .WithSummary("Delete a draft quote")
            .WithDescription("Removes a draft; a quote the customer has seen stays on record (409). Its number is not given out again.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return quotes;
    }

    private static async Task<Results<Created<QuoteResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateQuoteRequest request, SalesDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var errors = new FieldErrors();
        if (request.Validate(today, errors) is not { } quote)
        {
            return ApiProblems.Invalid(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var opportunity = await db.Opportunities.AsNoTracking().FirstOrDefaultAsync(o => o.Id == quote.OpportunityId, cancellationToken);
        if (opportunity is null || opportunity.Status != OpportunityStatus.Open)
        {
            errors.Add("opportunityId", opportunity is null
                ? $"No opportunity with id {quote.OpportunityId}."
                : $"The opportunity is {WireNames<OpportunityStatus>.Of(opportunity.Status)}: quotes are made for open opportunities.");
            return ApiProblems.Invalid(errors);
        }

        var currency = opportunity.Details.Currency;
        List<LineToPlace> lines = quote.Lines is { } given
            ? errors.Lines("lines", given, currency)
            : [.. opportunity.LineItems.Select(item => new LineToPlace(item.ProductId, item.Quantity, item.Discount, item.UnitPrice))];
        if (quote.Lines is null && lines.Count == 0)
        {
            errors.Add("lines", "The opportunity has no line items: give lines, or add line items to the opportunity.");
        }

        var priceList = errors.IsEmpty ? await PriceListChoice.FindAsync(db, currency, quote.PriceListId, today, errors, cancellationToken) : null;
        var productIds = lines.Select(line => line.ProductId).ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        if (priceList is null || OrderPricing.Price(lines, priceList, products, errors) is not { } priced)
        {
            return ApiProblems.Invalid(errors);
        }

        var number = await NumberSeries.NextAsync(db, NumberSeries.Quotes, cancellationToken);
        var created = Quote.Create(
            db.Tenant.TenantId, quote.Id ?? Ids.New(), number, opportunity.Id, opportunity.Details.PersonId, opportunity.Details.CompanyId, priceList.Id, priced, quote.ValidUntil, quote.Terms, now);
        db.Quotes.Add(created);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"A resource with id {created.Id} already exists.");
        }

        await transaction.CommitAsync(cancellationToken);
        ETags.Write(response, created.Version);
        return TypedResults.Created($"/api/v1/quotes/{created.Id}", QuoteResponse.From(created, today));
    }

    private static async Task<Results<Ok<QuoteResponse>, ProblemHttpResult>> Get(Guid id, SalesDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var quote = await db.Quotes.AsNoTracking().FirstOrDefaultAsync(q => q.Id == id, cancellationToken);
        if (quote is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, quote.Version);
        return TypedResults.Ok(QuoteResponse.From(quote, Today(time)));
    }

    private static async Task<Results<Ok<Page<QuoteResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, Guid? opportunityId, Guid? personId, string? status, SalesDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors(page.Validate());
        var wanted = errors.OneOf<QuoteStatus>("status", status);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var quotes = db.Quotes.AsNoTracking();
        if (opportunityId is { } opportunity)
        {
            quotes = quotes.Where(q => q.OpportunityId == opportunity);
        }

        if (personId is { } person)
        {
            quotes = quotes.Where(q => q.PersonId == person);
        }

        if (wanted is { } inStatus)
        {
            quotes = quotes.Where(q => q.Status == inStatus);
        }

        var today = Today(time);
        return TypedResults.Ok(await page.ReadAsync(quotes, quote => QuoteResponse.From(quote, today), cancellationToken));
    }

    private static async Task<Results<Ok<QuoteResponse>, ValidationProblem, ProblemHttpResult>> Send(
        Guid id, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken) =>
        await MoveAsync(id, db, time, request, response, (quote, now) => quote.Send(now), "Only a draft is sent", cancellationToken);

    private static async Task<Results<Ok<QuoteResponse>, ValidationProblem, ProblemHttpResult>> Decline(
        Guid id, [FromBody] DeclineQuoteRequest? body, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var reason = body.Validate(errors);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        return await MoveAsync(id, db, time, request, response, (quote, now) => quote.Decline(reason, now), "Only a sent quote is declined", cancellationToken);
    }

    private static async Task<Results<Ok<QuoteResponse>, ValidationProblem, ProblemHttpResult>> MoveAsync(
        Guid id, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, Func<Quote, DateTimeOffset, bool> move, string rule, CancellationToken cancellationToken)
    {
        var loaded = await db.Quotes.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } quote)
        {
            return loaded.Problem!;
        }

        var was = quote.Status;
        if (!move(quote, time.GetUtcNow()))
        {
            return InStatus(quote, was, rule);
        }

        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, quote.Version);
        return TypedResults.Ok(QuoteResponse.From(quote, Today(time)));
    }

    /// <summary>
    /// The quote's acceptance and its order commit together: the order takes the quote's priced lines as they are,
    /// reserves their stock and publishes <c>OrderPlaced</c>; a shortage leaves the quote sent.
    /// </summary>
    private static async Task<Results<Ok<QuoteResponse>, ValidationProblem, ProblemHttpResult>> Accept(
        Guid id, [FromBody] AcceptQuoteRequest? body, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var address = PostalAddress.Validate(body?.ShippingAddress, "shippingAddress", errors);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var loaded = await db.Quotes.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } quote)
        {
            return loaded.Problem!;
        }

        if (quote.IsExpiredOn(today))
        {
            return ApiProblems.Conflict("The quote has expired.", $"Quote {quote.Number} was valid until {quote.ValidUntil:yyyy-MM-dd}; make a new one.");
        }

        if (await CustomerLocks.LockCustomerAsync(db, quote.PersonId, cancellationToken) is not { } personId)
        {
            return ApiProblems.Conflict("The customer is gone.", $"Sales no longer knows the person {quote.PersonId} of quote {quote.Number} (erased in contacts).");
        }

        var was = quote.Status;
        var orderId = Ids.New();
        if (!quote.Accept(orderId, now))
        {
            return InStatus(quote, was, "Only a sent quote is accepted");
        }

        try
        {
            var (order, problem) = await OrderPlacement.AddAsync(
                db, new OrderDraft(orderId, personId, quote.CompanyId, quote.PriceListId, quote.Priced, address, null, quote.Id), now, cancellationToken);
            if (order is null)
            {
                return problem!;
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        await transaction.CommitAsync(cancellationToken);
        ETags.Write(response, quote.Version);
        return TypedResults.Ok(QuoteResponse.From(quote, today));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, SalesDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.Quotes.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } quote)
        {
            return loaded.Problem!;
        }

        if (quote.Status != QuoteStatus.Draft)
        {
            return InStatus(quote, quote.Status, "Only a draft is deleted");
        }

        db.Quotes.Remove(quote);
        return await db.TrySaveChangesAsync(cancellationToken) ? TypedResults.NoContent() : ApiProblems.PreconditionFailed(Resource);
    }

    private static ProblemHttpResult InStatus(Quote quote, QuoteStatus status, string rule) =>
        ApiProblems.Conflict($"The quote is {WireNames<QuoteStatus>.Of(status)}.", $"{rule}; quote {quote.Number} is {WireNames<QuoteStatus>.Of(status)}.");

    private static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
