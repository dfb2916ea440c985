using System.Security.Claims;
using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Leads;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Sales.Features.Opportunities;

public static class OpportunityEndpoints
{
    private const string Resource = "opportunity";

    private const string Shape =
        "personId is a customer sales knows from contacts (a person merged into another is taken as the survivor), companyId optional; "
        + "amount is money { amount: decimal string, currency: ISO 4217 code } with at most the currency's minor-unit decimals; expectedCloseDate a date (YYYY-MM-DD); "
        + "pipelineId defaults to the tenant's default pipeline (created with standard stages on first use) and stageId to its first stage; "
        + "ownerId (a user id) defaults to the caller; source (manual, web-form, import, partner, campaign) says where the business came from, "
        + "manual by default, and is set once at creation; leadId names the lead whose conversion created the opportunity.";

    public static RouteGroupBuilder MapOpportunities(this IEndpointRouteBuilder app)
    {
        var opportunities = app.MapGroup("/api/v1/opportunities").WithTags("Opportunities");

        opportunities.MapPost("/", Create)
            .RequireScope(Scopes.Write("sales"))
            .WithName("CreateOpportunity")
            .WithSummary("Create an opportunity")
            .WithDescription("Creates an open opportunity and the first entry of its stage history. " + Shape + " An id may be supplied for idempotent imports.")
            .Accepts<CreateOpportunityRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        opportunities.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetOpportunity")
            .WithSummary("Get an opportunity")
            .WithDescription("The opportunity with its status (open, won, lost), lost reason and ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        opportunities.MapGet("/", List)
            .RequireScope(Scopes.Read("sales"))
            .WithName("ListOpportunities")
            .WithSummary("List opportunities")
            .WithDescription("Opportunities in creation order, a page at a time. Filters: ?status= (open, won, lost), ?ownerId=, ?pipelineId=, ?stageId=, ?personId=, ?source=, ?leadId=.")
            .ProducesValidationProblem();

        opportunities.MapGet("/{id:guid}/history", History)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetOpportunityHistory")
            .WithSummary("The stage history of an opportunity")
            .WithDescription("Every stage the opportunity entered, oldest first, a page at a time: fromStageId (absent for the creation), toStageId, changedBy (the user) and changedAt.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        opportunities.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("sales"))
            .WithName("UpdateOpportunity")
            .WithSummary("Update an opportunity (JSON merge patch)")
            .WithDescription(
                "Absent fields stay; companyId and expectedCloseDate may be cleared with null, amount is replaced whole. A new stageId (or pipelineId, which without "
                + "a stageId starts at the new pipeline's first stage) records a stage history entry with the caller and the time; a closed opportunity "
                + "cannot move (409). Status changes through win and lose. If-Match with the ETag guards against lost updates (412). " + Shape)
            .Accepts<CreateOpportunityRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        opportunities.MapPost("/{id:guid}/win", Win)
            .RequireScope(Scopes.Write("sales"))
            .WithName("WinOpportunity")
            .WithSummary("Mark an open opportunity won")
            .WithDescription("The opportunity becomes won and OpportunityWon is published. 409 when it is won or lost already; If-Match guards against lost updates (412).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        opportunities.MapPost("/{id:guid}/lose", Lose)
            .RequireScope(Scopes.Write("sales"))
            .WithName("LoseOpportunity")
            .WithSummary("Mark an open opportunity lost, with a reason")
            .WithDescription(
                $"The opportunity becomes lost for reason (required, up to {OpportunityRequests.ReasonLength} characters) and OpportunityLost is published. "
                + "409 when it is won or lost already; If-Match guards against lost updates (412).")
            .Accepts<LoseOpportunityRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        opportunities.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("sales"))
            .WithName("DeleteOpportunity")
            .WithSummary("Delete an opportunity (removed permanently, with its stage history)")
            .WithDescription("Removes the opportunity and its stage history. Events already published for it stand.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return opportunities.MapLineItems();
    }

    private static async Task<Results<Created<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateOpportunityRequest request, SalesDb db, TimeProvider time, ClaimsPrincipal user, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (await request.Check(errors).ResolveAsync(Caller(user), null, db, time, errors, cancellationToken) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var opportunity = Opportunity.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), details, now, request.SourceOf());
        db.Opportunities.Add(opportunity);
        db.OpportunityStageChanges.Add(OpportunityStageChange.Record(db.Tenant.TenantId, opportunity.Id, null, details.StageId, Caller(user), now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"A resource with id {opportunity.Id} already exists.");
        }

        ETags.Write(response, opportunity.Version);
        return TypedResults.Created($"/api/v1/opportunities/{opportunity.Id}", OpportunityResponse.From(opportunity));
    }

    private static async Task<Results<Ok<OpportunityResponse>, ProblemHttpResult>> Get(Guid id, SalesDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var opportunity = await db.Opportunities.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (opportunity is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, opportunity.Version);
        return TypedResults.Ok(OpportunityResponse.From(opportunity));
    }

    private static async Task<Results<Ok<Page<OpportunityResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, string? status, string? ownerId, Guid? pipelineId, Guid? stageId, Guid? personId, string? source, Guid? leadId,
        SalesDb db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors(page.Validate());
        var fromSource = errors.OneOf<LeadSource>("source", source);
        var wanted = errors.OneOf<OpportunityStatus>("status", status);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var opportunities = db.Opportunities.AsNoTracking();
        if (wanted is { } inStatus)
        {
            opportunities = opportunities.Where(o => o.Status == inStatus);
        }

        if (ownerId is not null)
        {
            opportunities = opportunities.Where(o => o.Details.OwnerId == ownerId);
        }

        if (pipelineId is { } pipeline)
        {
            opportunities = opportunities.Where(o => o.Details.PipelineId == pipeline);
        }

        if (stageId is { } stage)
        {
            opportunities = opportunities.Where(o => o.Details.StageId == stage);
        }

        if (personId is { } person)
        {
            opportunities = opportunities.Where(o => o.Details.PersonId == person);
        }

        if (fromSource is { } origin)
        {
            opportunities = opportunities.Where(o => o.Source == origin);
        }

        if (leadId is { } lead)
        {
            opportunities = opportunities.Where(o => o.LeadId == lead);
        }

        return TypedResults.Ok(await page.ReadAsync(opportunities, OpportunityResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<Page<StageChangeResponse>>, ValidationProblem, ProblemHttpResult>> History(
        Guid id, [AsParameters] PageQuery page, SalesDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!await db.Opportunities.AnyAsync(o => o.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound(Resource, id);
        }

        var changes = db.OpportunityStageChanges.AsNoTracking().Where(c => c.OpportunityId == id);
        return TypedResults.Ok(await page.ReadAsync(changes, StageChangeResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, SalesDb db, TimeProvider time, IOptions<JsonOptions> json, ClaimsPrincipal user,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Opportunities.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } opportunity)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        var before = opportunity.Details;
        if (before.ApplyPatch(patch, json.Value.SerializerOptions, errors) is not { } patched
            || await patched.ResolveAsync(before.OwnerId, before.PersonId, db, time, errors, cancellationToken) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (opportunity.LineItems.Length > 0 && (details.Amount != before.Amount || details.Currency != before.Currency))
        {
            errors.Add("amount", "The amount is the sum of the line items: change them, or remove them first.");
            return ApiProblems.Invalid(errors);
        }

        var moved = details.StageId != before.StageId || details.PipelineId != before.PipelineId;
        if (moved && opportunity.Status != OpportunityStatus.Open)
        {
            return ApiProblems.Conflict("A closed opportunity does not move.", $"The opportunity is {WireNames<OpportunityStatus>.Of(opportunity.Status)}; its stage stays where it was closed.");
        }

        var now = time.GetUtcNow();
        if (opportunity.Change(details, now))
        {
            if (moved)
            {
                db.OpportunityStageChanges.Add(OpportunityStageChange.Record(db.Tenant.TenantId, id, before.StageId, details.StageId, Caller(user), now));
            }

            if (!await db.TrySaveChangesAsync(cancellationToken))
            {
                return ApiProblems.PreconditionFailed(Resource);
            }
        }

        ETags.Write(response, opportunity.Version);
        return TypedResults.Ok(OpportunityResponse.From(opportunity));
    }

    private static async Task<Results<Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> Win(
        Guid id, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken) =>
        await CloseAsync(id, db, request, response, opportunity => opportunity.Win(time.GetUtcNow()), cancellationToken);

    private static async Task<Results<Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> Lose(
        Guid id, [FromBody] LoseOpportunityRequest? body, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        // A reason over the length is returned with an error beside it: the error decides, or the column refuses it as a 500.
        if (body.Validate(errors) is not { } reason || !errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        return await CloseAsync(id, db, request, response, opportunity => opportunity.Lose(reason, time.GetUtcNow()), cancellationToken);
    }

    /// <summary>
    /// Closes the opportunity and records its event in the outbox in the same save; the version guards against a
    /// second close racing this one, which then finds it closed (409).
    /// </summary>
    private static async Task<Results<Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> CloseAsync<TEvent>(
        Guid id, SalesDb db, HttpRequest request, HttpResponse response, Func<Opportunity, TEvent?> close, CancellationToken cancellationToken)
        where TEvent : class, Contracts.IIntegrationEvent
    {
        var loaded = await db.Opportunities.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } opportunity)
        {
            return loaded.Problem!;
        }

        if (close(opportunity) is not { } closed)
        {
            return Closed(opportunity);
        }

        db.Publish(closed);
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return request.Headers.IfMatch.Count > 0
                ? ApiProblems.PreconditionFailed(Resource)
                : ApiProblems.Conflict("The opportunity changed meanwhile.", "Another request changed or closed the opportunity at the same time; read it again.");
        }

        ETags.Write(response, opportunity.Version);
        return TypedResults.Ok(OpportunityResponse.From(opportunity));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, SalesDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.Opportunities.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } opportunity)
        {
            return loaded.Problem!;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Opportunities.Remove(opportunity);
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        await db.OpportunityStageChanges.Where(c => c.OpportunityId == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Closed(Opportunity opportunity) =>
        ApiProblems.Conflict(
            "The opportunity is closed.",
            $"The opportunity is {WireNames<OpportunityStatus>.Of(opportunity.Status)} already; an opportunity is won or lost once.");

    /// <summary>Who is acting: the token's subject.</summary>
    private static string Caller(ClaimsPrincipal user) => user.FindFirstValue(CrmClaims.Subject) ?? "unknown";
}
