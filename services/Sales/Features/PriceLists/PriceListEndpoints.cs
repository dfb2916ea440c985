using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Sales.Features.PriceLists;

public static class PriceListEndpoints
{
    private const string Resource = "price list";

    private static readonly string Shape =
        "prices holds one entry per product of the tenant: { productId, tiers: [{ minQuantity, unitPrice }] }, tiers in strictly ascending minQuantity "
        + $"(a number above 0, up to {PricingFields.QuantityDecimals} decimals), unitPrice a decimal string of at least 0 in the list's currency "
        + $"(up to {PricingFields.UnitPriceDecimals} decimals: what an order charges is rounded to the currency's minor unit). "
        + "An order line pays the unit price of the tier with the largest minQuantity its quantity reaches. "
        + "taxRates gives each tax category a rate: [{ taxCategory, rate }], rate a fraction from 0 to below 1 (0.19 for 19 %); "
        + "an order line charges the rate of its product's taxCategory. currency is an ISO 4217 code; validFrom and validTo (optional) are dates, both included, in UTC.";

    public static RouteGroupBuilder MapPriceLists(this IEndpointRouteBuilder app)
    {
        var lists = app.MapGroup("/api/v1/price-lists").WithTags("Price lists");

        lists.MapPost("/", Create)
            .RequireScope(Scopes.Write("sales"))
            .WithName("CreatePriceList")
            .WithSummary("Create a price list")
            .WithDescription("Creates a price list. " + Shape + " An id may be supplied for idempotent imports.")
            .Accepts<CreatePriceListRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        lists.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetPriceList")
            .WithSummary("Get a price list")
            .WithDescription("The price list with its ETag; unit prices are decimal strings in its currency.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        lists.MapGet("/", List)
            .RequireScope(Scopes.Read("sales"))
            .WithName("ListPriceLists")
            .WithSummary("List price lists")
            .WithDescription("Price lists in creation order, a page at a time. ?currency= keeps those in that currency; ?validOn=YYYY-MM-DD those valid on that day.")
            .ProducesValidationProblem();

        lists.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("sales"))
            .WithName("UpdatePriceList")
            .WithSummary("Update a price list (JSON merge patch)")
            .WithDescription(
                "Absent fields stay; prices and taxRates are replaced whole (null empties them); validTo null makes the list open-ended. "
                + "Placed orders keep the prices they were placed with. If-Match with the ETag guards against lost updates (412). " + Shape)
            .Accepts<CreatePriceListRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        lists.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("sales"))
            .WithName("DeletePriceList")
            .WithSummary("Delete a price list (removed permanently)")
            .WithDescription("Removes the price list. Orders priced from it keep their prices and the list's id.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return lists;
    }

    private static async Task<Results<Created<PriceListResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreatePriceListRequest request, SalesDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        await PriceListRequests.RequireProductsAsync(db, details, errors, cancellationToken);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var list = PriceList.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), details, time.GetUtcNow());
        db.PriceLists.Add(list);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"A resource with id {list.Id} already exists.");
        }

        ETags.Write(response, list.Version);
        return TypedResults.Created($"/api/v1/price-lists/{list.Id}", PriceListResponse.From(list));
    }

    private static async Task<Results<Ok<PriceListResponse>, ProblemHttpResult>> Get(Guid id, SalesDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var list = await db.PriceLists.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (list is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, list.Version);
        return TypedResults.Ok(PriceListResponse.From(list));
    }

    private static async Task<Results<Ok<Page<PriceListResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, string? currency, DateOnly? validOn, SalesDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        var code = currency is null ? null : Money.CurrencyCode(currency);
        if (currency is not null && code is null)
        {
            errors["currency"] = ["An ISO 4217 currency code such as EUR."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var lists = db.PriceLists.AsNoTracking();
        if (code is not null)
        {
            lists = lists.Where(p => p.Details.Currency == code);
        }

        if (validOn is { } day)
        {
            lists = lists.Where(p => p.Details.ValidFrom <= day && (p.Details.ValidTo == null || p.Details.ValidTo >= day));
        }

        return TypedResults.Ok(await page.ReadAsync(lists, PriceListResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<PriceListResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, SalesDb db, TimeProvider time, IOptions<JsonOptions> json,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.PriceLists.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } list)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (list.Details.ApplyPatch(patch, json.Value.SerializerOptions, errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        await PriceListRequests.RequireProductsAsync(db, details, errors, cancellationToken);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        if (list.Change(details, time.GetUtcNow()) && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, list.Version);
        return TypedResults.Ok(PriceListResponse.From(list));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, SalesDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.PriceLists.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } list)
        {
            return loaded.Problem!;
        }

        db.PriceLists.Remove(list);
        return await db.TrySaveChangesAsync(cancellationToken) ? TypedResults.NoContent() : ApiProblems.PreconditionFailed(Resource);
    }
}
