using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Campaign.Features.Campaigns;

public static class CampaignEndpoints
{
    private const string Resource = "campaign";

    public static RouteGroupBuilder MapCampaigns(this IEndpointRouteBuilder app)
    {
        var campaigns = app.MapGroup("/api/v1/campaigns").WithTags("Campaigns");

        campaigns.MapPost("/", Create)
            .RequireScope(Scopes.Write("campaign"))
            .WithName("CreateCampaign")
            .WithSummary("Create a campaign (a draft)")
            .WithDescription(
                "channel email (the default), sms or phone; segmentId the segment to reach; subject and body templates with personalisation fields "
                + "(" + string.Join(", ", CampaignRequests.Fields.Select(f => "{{" + f + "}}")) + "); offer { discountPercent | discountAmount, terms, validFrom, validUntil, "
                + "codeKind shared (with sharedCode) or unique (a code per recipient issued at launch) }; scheduledAt (sending starts then, else at launch); "
                + $"budget and cost as money; attributionDays (default {CampaignRequests.DefaultAttributionDays}) how long after delivery an order counts as won.")
            .Accepts<CreateCampaignRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        campaigns.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("campaign"))
            .WithName("GetCampaign")
            .WithSummary("Get a campaign")
            .WithDescription("The campaign with its status (draft, scheduled, running, completed, cancelled), audience counts and ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        campaigns.MapGet("/", List)
            .RequireScope(Scopes.Read("campaign"))
            .WithName("ListCampaigns")
            .WithSummary("List campaigns")
            .WithDescription("Campaigns in creation order, a page at a time; ?status= keeps one status.")
            .ProducesValidationProblem();

        campaigns.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("campaign"))
            .WithName("UpdateCampaign")
            .WithSummary("Update a campaign (JSON merge patch)")
            .WithDescription("A draft changes freely; once launched only name, budget and cost (409 for the rest). If-Match guards against lost updates (412).")
            .Accepts<CreateCampaignRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        campaigns.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("campaign"))
            .WithName("DeleteCampaign")
            .WithSummary("Delete a draft campaign (removed permanently)")
            .WithDescription("Only a draft is deleted; a launched campaign keeps its history and is cancelled instead (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        campaigns.MapPost("/{id:guid}/launch", Launch)
            .RequireScope(Scopes.Write("campaign"))
            .WithName("LaunchCampaign")
            .WithSummary("Launch a campaign")
            .WithDescription(
                "Materialises the audience once from the segment: people without consent on the channel (or without an address for it) are left out and counted. "
                + "Publishes CampaignLaunched, and the offer (CampaignOfferPublished, with unique codes in CampaignOfferCodesIssued) for sales to honour. "
                + "Email is then sent from scheduledAt on; sms and phone audiences are lists to export. A campaign that is not a draft answers 409; "
                + "one without a segment, or an email without subject and body, 422.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        campaigns.MapPost("/{id:guid}/cancel", Cancel)
            .RequireScope(Scopes.Write("campaign"))
            .WithName("CancelCampaign")
            .WithSummary("Cancel a campaign")
            .WithDescription("Stops sending (recipients not yet sent are cancelled) and withdraws the offer from sales. A completed or cancelled campaign answers 409.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return campaigns;
    }

    private static async Task<Results<Created<CampaignResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateCampaignRequest request, CampaignDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!await SegmentExistsAsync(db, details.SegmentId, errors, cancellationToken))
        {
            return ApiProblems.Invalid(errors);
        }

        var campaign = MarketingCampaign.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), details, time.GetUtcNow());
        db.Campaigns.Add(campaign);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"Another campaign already has the id {campaign.Id}.");
        }

        ETags.Write(response, campaign.Version);
        return TypedResults.Created($"/api/v1/campaigns/{campaign.Id}", CampaignResponse.From(campaign));
    }

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> Get(Guid id, CampaignDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } campaign)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, campaign.Version);
        return TypedResults.Ok(CampaignResponse.From(campaign));
    }

    private static async Task<Results<Ok<Page<CampaignResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, string? status, CampaignDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        var named = CampaignStatus.Draft;
        if (status is not null && !WireNames<CampaignStatus>.TryParse(status, out named))
        {
            errors["status"] = [$"Expected one of {string.Join(", ", WireNames<CampaignStatus>.All)}."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var campaigns = db.Campaigns.AsNoTracking();
        if (status is not null)
        {
            campaigns = campaigns.Where(c => c.Status == named);
        }

        return TypedResults.Ok(await page.ReadAsync(campaigns, CampaignResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, CampaignDb db, TimeProvider time, IOptions<JsonOptions> json,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Campaigns.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } campaign)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (campaign.Details.ApplyPatch(patch, json.Value.SerializerOptions, errors, out _) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (campaign.Status != CampaignStatus.Draft
            && details with { Name = campaign.Details.Name, Budget = campaign.Details.Budget, Cost = campaign.Details.Cost } != campaign.Details)
        {
            return ApiProblems.Conflict(
                "The campaign was launched.",
                $"Campaign {id} is {WireNames<CampaignStatus>.Of(campaign.Status)}: only {string.Join(", ", CampaignRequests.ChangeableAfterLaunch)} still change.");
        }

        if (details.SegmentId != campaign.Details.SegmentId && !await SegmentExistsAsync(db, details.SegmentId, errors, cancellationToken))
        {
            return ApiProblems.Invalid(errors);
        }

        if (campaign.Revise(details, time.GetUtcNow()) && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, campaign.Version);
        return TypedResults.Ok(CampaignResponse.From(campaign));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, CampaignDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.Campaigns.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } campaign)
        {
            return loaded.Problem!;
        }

        if (campaign.Status != CampaignStatus.Draft)
        {
            return ApiProblems.Conflict("The campaign was launched.", $"Campaign {id} keeps its history; cancel it instead.");
        }

        db.Campaigns.Remove(campaign);
        return await db.TrySaveChangesAsync(cancellationToken) ? TypedResults.NoContent() : ApiProblems.PreconditionFailed(Resource);
    }

    private static Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> Launch(Guid id, CampaignDb db, TimeProvider time, CancellationToken cancellationToken) =>
        CampaignLaunch.LaunchAsync(db, id, time.GetUtcNow(), cancellationToken);

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> Cancel(Guid id, CampaignDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var campaign = await db.Campaigns.FromSql($"SELECT * FROM campaigns WHERE id = {id} AND tenant_id = {db.Tenant.TenantId} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);
        if (campaign is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        if (campaign.Status is CampaignStatus.Completed or CampaignStatus.Cancelled)
        {
            return ApiProblems.Conflict("The campaign is over.", $"Campaign {id} is {WireNames<CampaignStatus>.Of(campaign.Status)}.");
        }

        var launched = campaign.LaunchedAt is not null;
        campaign.Cancel(now);
        await db.Recipients.Where(r => r.CampaignId == id && r.Status == "pending").ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, "cancelled"), cancellationToken);
        if (launched && campaign.Details.Offer is not null)
        {
            db.Publish(CampaignLaunch.OfferPublished(campaign, now));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(CampaignResponse.From(campaign));
    }

    private static async Task<bool> SegmentExistsAsync(CampaignDb db, Guid? segmentId, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (segmentId is { } id && !await db.Segments.AnyAsync(s => s.Id == id, cancellationToken))
        {
            errors.Add("segmentId", $"The tenant has no segment {id}.");
            return false;
        }

        return true;
    }
}
