using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Sales.Features.LeadForms;

public static class LeadFormEndpoints
{
    private const string Resource = "lead form";

    private const string Shape =
        "name required; defaultOwnerId (a user id) owns the leads it captures; campaignId attributes them to a campaign; allowedFields lists the "
        + "fields it captures (email, firstName, lastName, phone, companyName, jobTitle, message; email always, all by default); rateLimitPerMinute "
        + "(1 to 10000, default 60) caps submissions a minute; active (default true); redirectUrl (an absolute http(s) URL) is where a browser posting the form itself is "
        + "sent after its submission (302), the site's thank-you page.";

    public static RouteGroupBuilder MapLeadForms(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/api/v1/lead-forms").WithTags("Lead forms");

        forms.MapPost("/", Create)
            .RequireScope(Scopes.Write("sales"))
            .WithName("CreateLeadForm")
            .WithSummary("Create a lead form")
            .WithDescription(
                "Creates a web form for capturing leads and issues its key: the answer carries key and capturePath (POST /api/v1/lead-capture/{key}) "
                + "once, and never again, since only the key's hash is stored. " + Shape)
            .Accepts<CreateLeadFormRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        forms.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetLeadForm")
            .WithSummary("Get a lead form")
            .WithDescription("The form with keyHint (the key's last characters) and when its key was issued; never the key.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        forms.MapGet("/", List)
            .RequireScope(Scopes.Read("sales"))
            .WithName("ListLeadForms")
            .WithSummary("List lead forms")
            .WithDescription("Lead forms in creation order, a page at a time. Filters: ?active=, ?campaignId=.")
            .ProducesValidationProblem();

        forms.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("sales"))
            .WithName("UpdateLeadForm")
            .WithSummary("Update a lead form (JSON merge patch)")
            .WithDescription("Absent fields stay; defaultOwnerId, campaignId and redirectUrl may be cleared with null. If-Match guards against lost updates (412). " + Shape)
            .Accepts<CreateLeadFormRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        forms.MapPost("/{id:guid}/rotate-key", RotateKey)
            .RequireScope(Scopes.Write("sales"))
            .WithName("RotateLeadFormKey")
            .WithSummary("Issue a new key for a lead form")
            .WithDescription("The old key stops working at once; the answer carries the new key and capturePath, shown this once. If-Match guards (412).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        forms.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("sales"))
            .WithName("DeleteLeadForm")
            .WithSummary("Delete a lead form (removed permanently)")
            .WithDescription("Removes the form; its key stops working. The leads it captured stay.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return forms;
    }

    private static async Task<Results<Created<LeadFormResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateLeadFormRequest request, SalesDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        var (form, key) = LeadForm.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), details, time.GetUtcNow());
        db.LeadForms.Add(form);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"A resource with id {form.Id} already exists.");
        }

        ETags.Write(response, form.Version);
        return TypedResults.Created($"/api/v1/lead-forms/{form.Id}", LeadFormResponse.From(form, key));
    }

    private static async Task<Results<Ok<LeadFormResponse>, ProblemHttpResult>> Get(Guid id, SalesDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var form = await db.LeadForms.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (form is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, form.Version);
        return TypedResults.Ok(LeadFormResponse.From(form));
    }

    private static async Task<Results<Ok<Page<LeadFormResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, bool? active, Guid? campaignId, SalesDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var forms = db.LeadForms.AsNoTracking();
        if (active is { } isActive)
        {
            forms = forms.Where(f => f.Details.Active == isActive);
        }

        if (campaignId is { } campaign)
        {
            forms = forms.Where(f => f.Details.CampaignId == campaign);
        }

        return TypedResults.Ok(await page.ReadAsync(forms, form => LeadFormResponse.From(form), cancellationToken));
    }

    private static async Task<Results<Ok<LeadFormResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, SalesDb db, TimeProvider time, IOptions<JsonOptions> json, HttpRequest request, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var loaded = await db.LeadForms.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } form)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (form.Details.ApplyPatch(patch, json.Value.SerializerOptions, errors) is not { } patched || patched.Validate(errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (form.Change(details, time.GetUtcNow()) && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, form.Version);
        return TypedResults.Ok(LeadFormResponse.From(form));
    }

    private static async Task<Results<Ok<LeadFormResponse>, ProblemHttpResult>> RotateKey(
        Guid id, SalesDb db, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.LeadForms.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } form)
        {
            return loaded.Problem!;
        }

        var key = form.RotateKey(time.GetUtcNow());
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, form.Version);
        return TypedResults.Ok(LeadFormResponse.From(form, key));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, SalesDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.LeadForms.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } form)
        {
            return loaded.Problem!;
        }

        db.LeadForms.Remove(form);
        return await db.TrySaveChangesAsync(cancellationToken) ? TypedResults.NoContent() : ApiProblems.PreconditionFailed(Resource);
    }
}
