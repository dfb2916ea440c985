using System.Text.Json;
using CrmCloud.Campaign.Features.Audience;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Campaign.Features.Segments;

public static class SegmentEndpoints
{
    private const string Resource = "segment";

    public static RouteGroupBuilder MapSegments(this IEndpointRouteBuilder app)
    {
        var segments = app.MapGroup("/api/v1/segments").WithTags("Segments");

        segments.MapPost("/", Create)
            .RequireScope(Scopes.Write("campaign"))
            .WithName("CreateSegment")
            .WithSummary("Create a segment")
            .WithDescription(
                "kind dynamic (the default) selects people by criteria, evaluated in the database whenever the segment is read or launched; "
                + "kind static holds a list of people added with POST /{id}/list. criteria is a group { \"all\": [...] } or { \"any\": [...] } of "
                + "conditions and nested groups (at most 5 deep, 50 conditions). A condition is { \"field\", \"operator\", ... }: "
                + "lifecycleStage and country in/notIn values; tags hasAny/hasAll/hasNone values; age between min and max years; "
                + "customField (key) eq/neq/gt/gte/lt/lte value, exists/notExists; totalSpend gt/gte/lt/lte value { amount, currency } over placed, "
                + "uncancelled orders net of tax; lastOrder before/after value (a date-time) or none; openTickets eq/gt/gte/lt/lte value; "
                + "respondedTo responded/notResponded campaignId with an optional response (opened, clicked, replied, converted, unsubscribed). "
                + "Problems name the path of the bad part, such as criteria.all[1].any[0].values.")
            .Accepts<CreateSegmentRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        segments.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("campaign"))
            .WithName("GetSegment")
            .WithSummary("Get a segment")
            .WithDescription("The segment with its criteria and ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        segments.MapGet("/", List)
            .RequireScope(Scopes.Read("campaign"))
            .WithName("ListSegments")
            .WithSummary("List segments")
            .WithDescription("Segments in creation order, a page at a time: pass nextCursor back as cursor.")
            .ProducesValidationProblem();

        segments.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("campaign"))
            .WithName("UpdateSegment")
            .WithSummary("Update a segment (JSON merge patch)")
            .WithDescription("name, description and criteria; the kind stays. Criteria are validated as on create. If-Match guards against lost updates (412).")
            .Accepts<CreateSegmentRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        segments.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("campaign"))
            .WithName("DeleteSegment")
            .WithSummary("Delete a segment (removed permanently, with its list)")
            .WithDescription("A segment that a campaign names is kept (409): launched campaigns keep their audience either way.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        segments.MapGet("/{id:guid}/members", Members)
            .RequireScope(Scopes.Read("campaign"))
            .WithName("ListSegmentMembers")
            .WithSummary("List the people in a segment")
            .WithDescription("The audience members the segment selects now (deleted people never), in id order, a page at a time.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        segments.MapGet("/{id:guid}/count", Count)
            .RequireScope(Scopes.Read("campaign"))
            .WithName("CountSegmentMembers")
            .WithSummary("Count the people in a segment")
            .WithDescription("How many audience members the segment selects now, counted in the database.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        segments.MapPost("/{id:guid}/list", AddToList)
            .RequireScope(Scopes.Write("campaign"))
            .WithName("AddToSegmentList")
            .WithSummary("Add people to a static segment")
            .WithDescription($"personIds (1 to {SegmentRequests.MaxListBatch}) are added to the list; people already on it stay once. A dynamic segment answers 422.")
            .Accepts<SegmentListRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        segments.MapDelete("/{id:guid}/list/{personId:guid}", RemoveFromList)
            .RequireScope(Scopes.Write("campaign"))
            .WithName("RemoveFromSegmentList")
            .WithSummary("Remove a person from a static segment")
            .WithDescription("Removes the person from the list; 404 when the segment or the person on its list is not found.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return segments;
    }

    private static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static async Task<Results<Created<SegmentResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateSegmentRequest request, CampaignDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(Today(time), errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        var segment = Segment.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), details, time.GetUtcNow());
        db.Segments.Add(segment);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"Another segment already has the id {segment.Id}.");
        }

        ETags.Write(response, segment.Version);
        return TypedResults.Created($"/api/v1/segments/{segment.Id}", SegmentResponse.From(segment));
    }

    private static async Task<Results<Ok<SegmentResponse>, ProblemHttpResult>> Get(Guid id, CampaignDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is not { } segment)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, segment.Version);
        return TypedResults.Ok(SegmentResponse.From(segment));
    }

    private static async Task<Results<Ok<Page<SegmentResponse>>, ValidationProblem>> List([AsParameters] PageQuery page, CampaignDb db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        return TypedResults.Ok(await page.ReadAsync(db.Segments.AsNoTracking(), SegmentResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<SegmentResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, CampaignDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Segments.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } segment)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (segment.Details.ApplyPatch(patch, Today(time), errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (segment.Change(details, time.GetUtcNow()) && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, segment.Version);
        return TypedResults.Ok(SegmentResponse.From(segment));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, CampaignDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.Segments.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } segment)
        {
            return loaded.Problem!;
        }

        if (await db.Campaigns.AnyAsync(c => c.SegmentId == id, cancellationToken))
        {
            return ApiProblems.Conflict("The segment is in use.", $"Segment {id} is named by campaigns; change their segment first.");
        }

        db.Segments.Remove(segment);
        return await db.TrySaveChangesAsync(cancellationToken) ? TypedResults.NoContent() : ApiProblems.PreconditionFailed(Resource);
    }

    private static async Task<Results<Ok<Page<AudienceMemberResponse>>, ValidationProblem, ProblemHttpResult>> Members(
        Guid id, [AsParameters] PageQuery page, CampaignDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        if (await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is not { } segment)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        return TypedResults.Ok(await page.ReadAsync(segment.Members(db, Today(time)).AsNoTracking(), AudienceMemberResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<SegmentCountResponse>, ProblemHttpResult>> Count(Guid id, CampaignDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is not { } segment)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        return TypedResults.Ok(new SegmentCountResponse(id, await segment.Members(db, Today(time)).LongCountAsync(cancellationToken)));
    }

    private static async Task<Results<Ok<SegmentListResponse>, ValidationProblem, ProblemHttpResult>> AddToList(
        Guid id, SegmentListRequest request, CampaignDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is not { } segment)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        if (segment.Details.Kind != SegmentKind.Static)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The segment is dynamic.",
                detail: $"Segment {id} selects people by its criteria; only a static segment has a list.");
        }

        if (request.PersonIds is not { Count: > 0 and <= SegmentRequests.MaxListBatch } personIds || personIds.Contains(Guid.Empty))
        {
            var errors = new FieldErrors();
            errors.Add("personIds", $"Expected 1 to {SegmentRequests.MaxListBatch} person ids.");
            return ApiProblems.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var added = 0;
        foreach (var personId in personIds.Distinct())
        {
            added += await db.Database.ExecuteSqlAsync(
                $"INSERT INTO segment_list_members (tenant_id, segment_id, person_id, added_at) VALUES ({db.Tenant.TenantId}, {id}, {personId}, {now}) ON CONFLICT DO NOTHING",
                cancellationToken);
        }

        return TypedResults.Ok(new SegmentListResponse(added));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveFromList(Guid id, Guid personId, CampaignDb db, CancellationToken cancellationToken)
    {
        var removed = await db.SegmentListMembers.Where(m => m.SegmentId == id && m.PersonId == personId).ExecuteDeleteAsync(cancellationToken);
        return removed == 1 ? TypedResults.NoContent() : ApiProblems.NotFound("segment list member", personId);
    }
}
