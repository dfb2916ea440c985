using System.Security.Claims;
using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Sales.Features.Leads;

public static class LeadEndpoints
{
    private const string Resource = "lead";

    private const string Shape =
        "firstName, lastName, email, phone, companyName, jobTitle and message as captured (an email or a last name is required); "
        + "source is manual (the default), web-form, import, partner or campaign (then campaignId is required); status is new (the default), working, "
        + "qualified or disqualified (then disqualifiedReason is required); converted is reached only through the convert action; score 0 to 100 (default 0); "
        + "ownerId (a user id) defaults to the caller.";

    public static RouteGroupBuilder MapLeads(this IEndpointRouteBuilder app)
    {
        var leads = app.MapGroup("/api/v1/leads").WithTags("Leads");

        leads.MapPost("/", Create)
            .RequireScope(Scopes.Write("sales"))
            .WithName("CreateLead")
            .WithSummary("Create a lead")
            .WithDescription("Creates a lead and publishes LeadCreated. " + Shape + " An id may be supplied for idempotent imports.")
            .Accepts<CreateLeadRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        leads.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetLead")
            .WithSummary("Get a lead")
            .WithDescription("The lead with its conversion (once asked for) and ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        leads.MapGet("/", List)
            .RequireScope(Scopes.Read("sales"))
            .WithName("ListLeads")
            .WithSummary("List leads")
            .WithDescription(
                "Leads in creation order, a page at a time. Filters: ?status=, ?source=, ?ownerId=, ?campaignId=, ?formId=, ?email= (ignoring case), "
                + "?minScore= (0 to 100).")
            .ProducesValidationProblem();

        leads.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("sales"))
            .WithName("UpdateLead")
            .WithSummary("Update a lead (JSON merge patch)")
            .WithDescription(
                "Absent fields stay, null clears a text field; leaving the disqualified status drops its reason. A lead being converted or converted "
                + "no longer changes (409). If-Match with the ETag guards against lost updates (412). " + Shape)
            .Accepts<CreateLeadRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        leads.MapPost("/{id:guid}/convert", Convert)
            .RequireScope(Scopes.Write("sales"))
            .WithName("ConvertLead")
            .WithSummary("Convert a lead into a person, a company and optionally an opportunity")
            .WithDescription(
                "Accepted (202): LeadConverted asks contacts to reuse the tenant's person with the lead's email (or create one) and its company by "
                + "name (or create one); when contacts answers, the lead becomes converted with personId and companyId, and the opportunity named "
                + "in the body is created: opportunity { name (default: the company or the lead's name), amount { amount, currency } (required), "
                + "expectedCloseDate, pipelineId (default pipeline), stageId (its first stage), ownerId (the lead's owner) }, with the lead's source. "
                + "Follow the conversion on the lead. 409 for a disqualified lead or one converted (or being converted) already; If-Match guards (412).")
            .Accepts<ConvertLeadRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        leads.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("sales"))
            .WithName("DeleteLead")
            .WithSummary("Delete a lead (removed permanently)")
            .WithDescription("Removes the lead. Events already published for it stand; a conversion under way still reaches contacts.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return leads;
    }

    private static async Task<Results<Created<LeadResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateLeadRequest request, SalesDb db, TimeProvider time, ClaimsPrincipal user, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(Caller(user), errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        var lead = Lead.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), details, null, time.GetUtcNow());
        db.Leads.Add(lead);
        db.Publish(lead.Created());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"A resource with id {lead.Id} already exists.");
        }

        ETags.Write(response, lead.Version);
        return TypedResults.Created($"/api/v1/leads/{lead.Id}", LeadResponse.From(lead));
    }

    private static async Task<Results<Ok<LeadResponse>, ProblemHttpResult>> Get(Guid id, SalesDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lead is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, lead.Version);
        return TypedResults.Ok(LeadResponse.From(lead));
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1862", Justification = "EF Core translates ToLower to lower(), which the email index compares.")]
    private static async Task<Results<Ok<Page<LeadResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, string? status, string? source, string? ownerId, Guid? campaignId, Guid? formId, string? email, int? minScore,
        SalesDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        var inStatus = Filter<LeadStatus>("status", status, errors);
        var fromSource = Filter<LeadSource>("source", source, errors);
        if (minScore is < 0 or > LeadRequests.MaxScore)
        {
            errors["minScore"] = [$"Between 0 and {LeadRequests.MaxScore}."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var leads = db.Leads.AsNoTracking();
        if (inStatus is { } wantedStatus)
        {
            leads = leads.Where(l => l.Details.Status == wantedStatus);
        }

        if (fromSource is { } wantedSource)
        {
            leads = leads.Where(l => l.Details.Source == wantedSource);
        }

        if (ownerId is not null)
        {
            leads = leads.Where(l => l.Details.OwnerId == ownerId);
        }

        if (campaignId is { } campaign)
        {
            leads = leads.Where(l => l.Details.CampaignId == campaign);
        }

        if (formId is { } form)
        {
            leads = leads.Where(l => l.FormId == form);
        }

        if (!string.IsNullOrWhiteSpace(email))
        {
            var lowered = email.Trim().ToLowerInvariant();
            leads = leads.Where(l => l.Details.Email!.ToLower() == lowered);
        }

        if (minScore is { } score)
        {
            leads = leads.Where(l => l.Details.Score >= score);
        }

        return TypedResults.Ok(await page.ReadAsync(leads, LeadResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<LeadResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, SalesDb db, TimeProvider time, IOptions<JsonOptions> json, HttpRequest request, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var loaded = await db.Leads.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } lead)
        {
            return loaded.Problem!;
        }

        if (lead.Conversion is not null)
        {
            return Converted(lead);
        }

        var errors = new FieldErrors();
        if (lead.Details.ApplyPatch(patch, json.Value.SerializerOptions, errors) is not { } patched || patched.Validate(null, errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (lead.Change(details, time.GetUtcNow()) && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, lead.Version);
        return TypedResults.Ok(LeadResponse.From(lead));
    }

    /// <summary>
    /// Records the conversion and its LeadConverted in the outbox in one save; the version guards against a second
    /// conversion racing this one, which then finds the lead converted (409).
    /// </summary>
    private static async Task<Results<Accepted<LeadResponse>, ValidationProblem, ProblemHttpResult>> Convert(
        Guid id, [FromBody] ConvertLeadRequest? body, SalesDb db, TimeProvider time, ClaimsPrincipal user, HttpRequest request, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var loaded = await db.Leads.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } lead)
        {
            return loaded.Problem!;
        }

        if (lead.Conversion is not null)
        {
            return Converted(lead);
        }

        if (lead.Details.Status == LeadStatus.Disqualified)
        {
            return ApiProblems.Conflict("A disqualified lead is not converted.", "Set the lead's status to working or qualified first.");
        }

        LeadOpportunity? opportunity = null;
        if (body?.Opportunity is { } asked)
        {
            var errors = new FieldErrors();
            if ((opportunity = await asked.ResolveAsync(lead, Caller(user), db, time, errors, cancellationToken)) is null)
            {
                return ApiProblems.Invalid(errors);
            }
        }

        db.Publish(lead.Convert(opportunity, Caller(user), time.GetUtcNow())!);
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return request.Headers.IfMatch.Count > 0
                ? ApiProblems.PreconditionFailed(Resource)
                : ApiProblems.Conflict("The lead changed meanwhile.", "Another request changed or converted the lead at the same time; read it again.");
        }

        ETags.Write(response, lead.Version);
        return TypedResults.Accepted($"/api/v1/leads/{lead.Id}", LeadResponse.From(lead));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, SalesDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.Leads.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } lead)
        {
            return loaded.Problem!;
        }

        db.Leads.Remove(lead);
        return await db.TrySaveChangesAsync(cancellationToken) ? TypedResults.NoContent() : ApiProblems.PreconditionFailed(Resource);
    }

    private static ProblemHttpResult Converted(Lead lead) =>
        ApiProblems.Conflict(
            "The lead is converted.",
            lead.Conversion?.CompletedAt is null
                ? "The lead's conversion is under way; a lead is converted once and no longer changes."
                : "The lead was converted already; a lead is converted once and no longer changes.");

    private static TEnum? Filter<TEnum>(string parameter, string? value, Dictionary<string, string[]> errors)
        where TEnum : struct, Enum
    {
        if (value is null)
        {
            return null;
        }

        if (WireNames<TEnum>.TryParse(value, out var parsed))
        {
            return parsed;
        }

        errors[parameter] = [$"One of: {string.Join(", ", WireNames<TEnum>.All)}."];
        return null;
    }

    /// <summary>Who is acting: the token's subject.</summary>
    private static string Caller(ClaimsPrincipal user) => user.FindFirstValue(CrmClaims.Subject) ?? "unknown";
}
