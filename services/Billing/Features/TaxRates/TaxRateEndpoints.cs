using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Billing.Features.TaxRates;

public static class TaxRateEndpoints
{
    private const string Resource = "tax rate";

    public static RouteGroupBuilder MapTaxRates(this IEndpointRouteBuilder app)
    {
        var rates = app.MapGroup("/api/v1/tax-rates").WithTags("Tax rates");

        rates.MapPost("/", Create)
            .RequireScope(Scopes.Write("billing"))
            .WithName("CreateTaxRate")
            .WithSummary("Create a tax rate")
            .WithDescription("A named rate as a fraction (0.19 for 19 %), optionally for a country; active defaults to true. An id may be supplied for idempotent imports (409 when taken).")
            .Accepts<CreateTaxRateRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        rates.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("billing"))
            .WithName("GetTaxRate")
            .WithSummary("Get a tax rate")
            .WithDescription("The tax rate with its ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        rates.MapGet("/", List)
            .RequireScope(Scopes.Read("billing"))
            .WithName("ListTaxRates")
            .WithSummary("List tax rates")
            .WithDescription("Tax rates in creation order, a page at a time; ?active=true|false by state.")
            .ProducesValidationProblem();

        rates.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("billing"))
            .WithName("UpdateTaxRate")
            .WithSummary("Update a tax rate (JSON merge patch)")
            .WithDescription("Absent fields stay. Invoices keep the name and rate their lines were written with. If-Match with the ETag guards against lost updates (412).")
            .Accepts<CreateTaxRateRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        rates.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("billing"))
            .WithName("DeleteTaxRate")
            .WithSummary("Delete a tax rate (removed permanently)")
            .WithDescription("Invoices keep the name and rate they were written with, so a rate can always be deleted; deactivate it instead to keep it listed.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return rates;
    }

    private static async Task<Results<Created<TaxRateResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateTaxRateRequest request, BillingDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        var rate = TaxRate.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), details, time.GetUtcNow());
        db.TaxRates.Add(rate);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"Another tax rate already has the id {rate.Id}.");
        }

        ETags.Write(response, rate.Version);
        return TypedResults.Created($"/api/v1/tax-rates/{rate.Id}", TaxRateResponse.From(rate));
    }

    private static async Task<Results<Ok<TaxRateResponse>, ProblemHttpResult>> Get(Guid id, BillingDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var rate = await db.TaxRates.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rate is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, rate.Version);
        return TypedResults.Ok(TaxRateResponse.From(rate));
    }

    private static async Task<Results<Ok<Page<TaxRateResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, bool? active, BillingDb db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        var rates = db.TaxRates.AsNoTracking();
        if (active is { } isActive)
        {
            rates = rates.Where(r => r.Details.Active == isActive);
        }

        return TypedResults.Ok(await page.ReadAsync(rates, TaxRateResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<TaxRateResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, BillingDb db, TimeProvider time, IOptions<JsonOptions> json,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.TaxRates.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } rate)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (rate.Details.ApplyPatch(patch, json.Value.SerializerOptions, errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (rate.Change(details, time.GetUtcNow()) && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, rate.Version);
        return TypedResults.Ok(TaxRateResponse.From(rate));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, BillingDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.TaxRates.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } rate)
        {
            return loaded.Problem!;
        }

        db.TaxRates.Remove(rate);
        return await db.TrySaveChangesAsync(cancellationToken) ? TypedResults.NoContent() : ApiProblems.PreconditionFailed(Resource);
    }
}
