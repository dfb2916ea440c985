using CrmCloud.Platform.Api;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Campaign.Features.Responses;

public static class ResponseEndpoints
{
    /// <summary>The kinds a user records by hand; the others come from tracking links, delivery and orders.</summary>
    public static readonly string[] RecordedByUsers = ["replied", "converted"];

    public static RouteGroupBuilder MapCampaignResponses(this IEndpointRouteBuilder app)
    {
        var responses = app.MapGroup("/api/v1/campaigns/{id:guid}/responses").WithTags("Campaigns");

        responses.MapGet("/", List)
            .RequireScope(Scopes.Read("campaign"))
            .WithName("ListCampaignResponses")
            .WithSummary("List a campaign's responses")
            .WithDescription(
                "Each recipient's responses (at most one per kind), a page at a time in the order recorded; ?kind= keeps one of "
                + string.Join(", ", RecipientResponses.Kinds) + ".")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        responses.MapPost("/", Record)
            .RequireScope(Scopes.Write("campaign"))
            .WithName("RecordCampaignResponse")
            .WithSummary("Record a recipient's reply or conversion")
            .WithDescription(
                "personId is a recipient of the campaign; kind is replied or converted; occurredAt defaults to now and may not be in the future. "
                + "201 with the new response (publishing CampaignResponseRecorded), or 200 with the one already recorded for that kind.")
            .Accepts<RecordResponseRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return responses;
    }

    /// <summary>A person's responses across campaigns: what the customer 360 shows.</summary>
    public static RouteGroupBuilder MapPersonResponses(this IEndpointRouteBuilder app)
    {
        var responses = app.MapGroup("/api/v1/audience-members/{personId:guid}/responses").WithTags("Audience members");

        responses.MapGet("/", ListForPerson)
            .RequireScope(Scopes.Read("campaign"))
            .WithName("ListPersonCampaignResponses")
            .WithSummary("List a person's responses to campaigns")
            .WithDescription("Every response of the person to any campaign, a page at a time in the order recorded; ?kind= keeps one of "
                + string.Join(", ", RecipientResponses.Kinds) + ". A person who never responded has an empty list; one campaign does not know is a 404.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return responses;
    }

    private static async Task<Results<Ok<Page<ResponseResponse>>, ValidationProblem, ProblemHttpResult>> ListForPerson(
        Guid personId, [AsParameters] PageQuery page, string? kind, CampaignDb db, CancellationToken cancellationToken)
    {
        if (Validate(page, kind) is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        // Campaign knows the tenant's people from its audience copies; anyone else's id is not found here.
        if (!await db.AudienceMembers.AnyAsync(member => member.PersonId == personId, cancellationToken))
        {
            return ApiProblems.NotFound("audience member", personId);
        }

        return TypedResults.Ok(await page.ReadAsync(OfKind(db.Responses.AsNoTracking().Where(r => r.PersonId == personId), kind), ResponseResponse.From, cancellationToken));
    }

    private static Dictionary<string, string[]> Validate(PageQuery page, string? kind)
    {
        var errors = page.Validate();
        if (kind is not null && !RecipientResponses.Kinds.Contains(kind))
        {
            errors["kind"] = [$"Expected one of {string.Join(", ", RecipientResponses.Kinds)}."];
        }

        return errors;
    }

    private static IQueryable<RecipientResponse> OfKind(IQueryable<RecipientResponse> responses, string? kind) =>
        kind is null ? responses : responses.Where(r => r.Kind == kind);

    private static async Task<Results<Ok<Page<ResponseResponse>>, ValidationProblem, ProblemHttpResult>> List(
        Guid id, [AsParameters] PageQuery page, string? kind, CampaignDb db, CancellationToken cancellationToken)
    {
        if (Validate(page, kind) is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!await db.Campaigns.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound("campaign", id);
        }

        return TypedResults.Ok(await page.ReadAsync(OfKind(db.Responses.AsNoTracking().Where(r => r.CampaignId == id), kind), ResponseResponse.From, cancellationToken));
    }

    private static async Task<Results<Created<ResponseResponse>, Ok<ResponseResponse>, ValidationProblem, ProblemHttpResult>> Record(
        Guid id, RecordResponseRequest request, CampaignDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        if (request.Kind is null || !RecordedByUsers.Contains(request.Kind))
        {
            errors.Add("kind", $"Expected one of {string.Join(", ", RecordedByUsers)}.");
        }

        if (request.PersonId is null)
        {
            errors.Add("personId", "This field is required.");
        }

        if (request.OccurredAt > now)
        {
            errors.Add("occurredAt", "The response cannot be in the future.");
        }

        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!await db.Campaigns.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound("campaign", id);
        }

        var recipient = await db.Recipients.AsNoTracking().FirstOrDefaultAsync(r => r.CampaignId == id && r.PersonId == request.PersonId, cancellationToken);
        if (recipient is null)
        {
            errors.Add("personId", $"Person {request.PersonId} is not a recipient of campaign {id}.");
            return ApiProblems.Invalid(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var recorded = await RecipientResponses.RecordAsync(db, recipient, request.Kind!, request.OccurredAt ?? now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var response = ResponseResponse.From(await db.Responses.AsNoTracking().FirstAsync(r => r.RecipientId == recipient.Id && r.Kind == request.Kind, cancellationToken));
        return recorded ? TypedResults.Created($"/api/v1/campaigns/{id}/responses?kind={request.Kind}", response) : TypedResults.Ok(response);
    }
}

public sealed record RecordResponseRequest(Guid? PersonId, string? Kind, DateTimeOffset? OccurredAt);

public sealed record ResponseResponse(Guid Id, Guid CampaignId, Guid RecipientId, Guid PersonId, string Kind, DateTimeOffset OccurredAt)
{
    public static ResponseResponse From(RecipientResponse response) =>
        new(response.Id, response.CampaignId, response.RecipientId, response.PersonId, response.Kind, response.OccurredAt);
}
