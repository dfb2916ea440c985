using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Sales.Features.Pipelines;

public static class PipelineEndpoints
{
    private const string Resource = "pipeline";

    private static readonly string Shape =
        $"stages go in the order opportunities move through them: from 1 to {PipelineRequests.MaxStages}, each {{ id (optional, kept when given), name (unique in the pipeline, ignoring case), "
        + "probability (the chance of winning from the stage, a whole percentage from 0 to 100) }. A tenant has exactly one default pipeline, where opportunities "
        + "created without a pipelineId go: isDefault true makes this one the default in place of the previous one.";

    public static RouteGroupBuilder MapPipelines(this IEndpointRouteBuilder app)
    {
        var pipelines = app.MapGroup("/api/v1/pipelines").WithTags("Pipelines");

        pipelines.MapPost("/", Create)
            .RequireScope(Scopes.Write("sales"))
            .WithName("CreatePipeline")
            .WithSummary("Create a pipeline")
            .WithDescription("Creates a pipeline; the tenant's first one is the default whatever isDefault says. " + Shape + " An id may be supplied for idempotent imports.")
            .Accepts<CreatePipelineRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        pipelines.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetPipeline")
            .WithSummary("Get a pipeline")
            .WithDescription("The pipeline with its stages in order and its ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        pipelines.MapGet("/", List)
            .RequireScope(Scopes.Read("sales"))
            .WithName("ListPipelines")
            .WithSummary("List pipelines")
            .WithDescription("Pipelines in creation order, a page at a time. ?isDefault=true keeps the default one.")
            .ProducesValidationProblem();

        pipelines.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("sales"))
            .WithName("UpdatePipeline")
            .WithSummary("Update a pipeline (JSON merge patch)")
            .WithDescription(
                "Absent fields stay; stages are replaced whole, and a stage that open or closed opportunities stand in cannot be left out (409). "
                + "isDefault cannot be set to false: make another pipeline the default instead (422). If-Match with the ETag guards against lost updates (412). " + Shape)
            .Accepts<CreatePipelineRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        pipelines.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("sales"))
            .WithName("DeletePipeline")
            .WithSummary("Delete a pipeline (removed permanently)")
            .WithDescription("Removes a pipeline that is not the default and that no opportunity is in (409 otherwise).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return pipelines;
    }

    private static async Task<Results<Created<PipelineResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreatePipelineRequest request, SalesDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var current = await db.Pipelines.FirstOrDefaultAsync(p => p.Details.IsDefault, cancellationToken);
        if (current is null)
        {
            details = details with { IsDefault = true };
        }
        else if (details.IsDefault && !await TryHandOverDefaultAsync(db, current, now, cancellationToken))
        {
            return DefaultChanged();
        }

        var pipeline = Pipeline.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), details, now);
        db.Pipelines.Add(pipeline);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken, or another default was set meanwhile.", $"A pipeline with id {pipeline.Id} exists, or the default pipeline changed while this one was created; try again.");
        }

        await transaction.CommitAsync(cancellationToken);
        ETags.Write(response, pipeline.Version);
        return TypedResults.Created($"/api/v1/pipelines/{pipeline.Id}", PipelineResponse.From(pipeline));
    }

    private static async Task<Results<Ok<PipelineResponse>, ProblemHttpResult>> Get(Guid id, SalesDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var pipeline = await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (pipeline is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, pipeline.Version);
        return TypedResults.Ok(PipelineResponse.From(pipeline));
    }

    private static async Task<Results<Ok<Page<PipelineResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, bool? isDefault, SalesDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var pipelines = db.Pipelines.AsNoTracking();
        if (isDefault is { } wanted)
        {
            pipelines = pipelines.Where(p => p.Details.IsDefault == wanted);
        }

        return TypedResults.Ok(await page.ReadAsync(pipelines, PipelineResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<PipelineResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, SalesDb db, TimeProvider time, IOptions<JsonOptions> json,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var loaded = await db.Pipelines.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } pipeline)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (pipeline.Details.ApplyPatch(patch, json.Value.SerializerOptions, errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (pipeline.Details.IsDefault && !details.IsDefault)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The tenant needs a default pipeline.",
                detail: "isDefault cannot be set to false on the default pipeline; set it to true on another pipeline instead.");
        }

        var kept = details.Stages.Select(stage => stage.Id).ToList();
        var dropped = await db.Opportunities.Where(o => o.Details.PipelineId == id && !kept.Contains(o.Details.StageId)).Select(o => o.Details.StageId).FirstOrDefaultAsync(cancellationToken);
        if (dropped != Guid.Empty)
        {
            return ApiProblems.Conflict("A stage in use cannot be removed.", $"Opportunities stand in stage {dropped}; keep it (with its id) or move them first.");
        }

        var now = time.GetUtcNow();
        if (details.IsDefault && !pipeline.Details.IsDefault)
        {
            var current = await db.Pipelines.FirstOrDefaultAsync(p => p.Details.IsDefault, cancellationToken);
            if (current is not null && !await TryHandOverDefaultAsync(db, current, now, cancellationToken))
            {
                return DefaultChanged();
            }
        }

        if (pipeline.Change(details, now))
        {
            try
            {
                if (!await db.TrySaveChangesAsync(cancellationToken))
                {
                    return ApiProblems.PreconditionFailed(Resource);
                }
            }
            catch (DbUpdateException exception) when (exception.IsUniqueViolation())
            {
                return DefaultChanged();
            }
        }

        await transaction.CommitAsync(cancellationToken);
        ETags.Write(response, pipeline.Version);
        return TypedResults.Ok(PipelineResponse.From(pipeline));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, SalesDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.Pipelines.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } pipeline)
        {
            return loaded.Problem!;
        }

        if (pipeline.Details.IsDefault)
        {
            return ApiProblems.Conflict("The default pipeline cannot be deleted.", "Make another pipeline the default first.");
        }

        if (await db.Opportunities.AnyAsync(o => o.Details.PipelineId == id, cancellationToken))
        {
            return ApiProblems.Conflict("The pipeline has opportunities.", $"Opportunities are in pipeline {id}; move them to another pipeline first.");
        }

        db.Pipelines.Remove(pipeline);
        return await db.TrySaveChangesAsync(cancellationToken) ? TypedResults.NoContent() : ApiProblems.PreconditionFailed(Resource);
    }

    /// <summary>
    /// Clears the old default before the new one is written: the one-default index is checked row by row, so the
    /// two changes go in that order, in the caller's transaction.
    /// </summary>
    private static async Task<bool> TryHandOverDefaultAsync(SalesDb db, Pipeline current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        current.Change(current.Details with { IsDefault = false }, now);
        return await db.TrySaveChangesAsync(cancellationToken);
    }

    private static ProblemHttpResult DefaultChanged() =>
        ApiProblems.Conflict("The default pipeline changed meanwhile.", "Another request changed the tenant's default pipeline at the same time; read the pipelines again and retry.");
}
