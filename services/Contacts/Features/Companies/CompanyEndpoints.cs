using System.Text.Json;
using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Contacts.Features.Search;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Contacts.Features.Companies;

public static class CompanyEndpoints
{
    private const string Resource = "company";

    public static RouteGroupBuilder MapCompanies(this IEndpointRouteBuilder app)
    {
        var companies = app.MapGroup("/api/v1/companies").WithTags("Companies");

        companies.MapPost("/", Create)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("CreateCompany")
            .WithSummary("Create a company")
            .WithDescription(
                "Creates a company and publishes CompanyCreated. An id may be supplied for idempotent imports. "
                + "size is one of 1-10, 11-50, 51-200, 201-1000, 1001-5000, 5001+; relationship one of prospect, customer, supplier, partner; "
                + "parentCompanyId must name another company of the tenant (400 otherwise). "
                + "customFields is an object of values by key, each checked against the tenant's custom fields for companies (400 naming customFields.<key>).")
            .Accepts<CreateCompanyRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);

        companies.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("GetCompany")
            .WithSummary("Get a company")
            .WithDescription("Answers the company with its ETag, to send as If-Match when changing or deleting it. 404 when the tenant has no such company.");

        companies.MapGet("/", List)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("ListCompanies")
            .WithSummary("List companies")
            .WithDescription(
                "Companies in creation order, a page at a time: pass nextCursor back as cursor. ?name= keeps those with exactly that name, ignoring case. "
                + "?q= (2 to 200 characters) searches name and domain instead, tolerating typos. Search results are ranked best first, "
                + "not in creation order; their nextCursor continues the same ranking and is only valid with the same q. "
                + CustomFieldFilter.Description);

        companies.MapGet("/export", Export)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("ExportCompanies")
            .WithSummary("Export companies as CSV")
            .WithDescription(
                "Every company the list's filters keep (?name= and the custom field filters; not ?q=), in creation order, as text/csv streamed "
                + "row by row: no paging. A header row names the columns after the API's fields; lists and objects are JSON; RFC 4180 quoting; "
                + "a cell starting with = + - or @ is prefixed with an apostrophe so that spreadsheets open it as text.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();

        companies.MapGet("/{id:guid}/people", ListPeople)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("ListCompanyPeople")
            .WithSummary("List the people of a company")
            .WithDescription("The people whose companyId is this company, in creation order, a page at a time.");

        companies.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("UpdateCompany")
            .WithSummary("Update a company (JSON merge patch)")
            .WithDescription(
                "Absent fields stay, null clears a field; address is patched part by part and null removes it; tags are replaced whole; "
                + "customFields is merged key by key: absent keys stay, null removes a value (not a required one). "
                + "parentCompanyId must name another company of the tenant that is not below this one (400 otherwise). "
                + "If-Match with the ETag guards against lost updates (412).")
            .Accepts<CreateCompanyRequest>("application/merge-patch+json", "application/json")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        companies.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("DeleteCompany")
            .WithSummary("Delete a company (removed permanently)")
            .WithDescription(
                "Removes the company and publishes CompanyDeleted. Refused with 409 while people (companyId) or child companies "
                + "(parentCompanyId) still link to it: unlink or delete them first.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return companies;
    }

    private static async Task<Results<Created<CompanyResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateCompanyRequest request, ContactsDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var customFields = await CustomFieldSchema.ValidateAsync(db, CustomFieldEntity.Company, request.CustomFields, errors, cancellationToken);
        if (request.Validate(errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        details = details with { CustomFields = customFields };
        var id = request.Id ?? Ids.New();
        if (details.ParentCompanyId is { } parentId)
        {
            await CompanyLinks.RequireParentAsync(db, id, parentId, errors, cancellationToken);
            if (!errors.IsEmpty)
            {
                return ApiProblems.Invalid(errors);
            }
        }

        var company = Company.Create(db.Tenant.TenantId, id, details, time.GetUtcNow());
        db.Companies.Add(company);
        db.Publish(company.Created());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"A resource with id {company.Id} already exists.");
        }

        ETags.Write(response, company.Version);
        return TypedResults.Created($"/api/v1/companies/{company.Id}", CompanyResponse.From(company));
    }

    private static async Task<Results<Ok<CompanyResponse>, ProblemHttpResult>> Get(
        Guid id, ContactsDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var company = await db.Companies.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (company is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, company.Version);
        return TypedResults.Ok(CompanyResponse.From(company));
    }

    private static async Task<Results<Ok<Page<CompanyResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, string? name, string? q, ContactsDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        if (q is not null)
        {
            var searchErrors = new Dictionary<string, string[]>();
            CustomFieldFilter.RefuseWithSearch(request.Query, searchErrors);
            return SearchQuery.Parse(q, page, searchErrors) is { } search
                ? TypedResults.Ok(await CompanySearch.ReadAsync(db, search, name, cancellationToken))
                : ApiProblems.Invalid(searchErrors);
        }

        var errors = page.Validate();
        if (await FilterAsync(db, name, request.Query, errors, cancellationToken) is not { } companies)
        {
            return ApiProblems.Invalid(errors);
        }

        return TypedResults.Ok(await page.ReadAsync(companies, CompanyResponse.From, cancellationToken));
    }

    private static async Task<Results<PushStreamHttpResult, ValidationProblem>> Export(
        string? name, ContactsDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Query.ContainsKey("q"))
        {
            errors["q"] = ["The export takes the list's filters; a search ranks and pages, so it does not export."];
        }

        if (await FilterAsync(db, name, request.Query, errors, cancellationToken) is not { } companies)
        {
            return ApiProblems.Invalid(errors);
        }

        return CsvExport.Result(db.ReadInSnapshotAsync(companies.OrderBy(c => c.Id), null, cancellationToken), CompaniesCsv.Columns, "companies.csv", cancellationToken);
    }

    /// <summary>The tenant's companies the list's filters keep (?name=, custom fields); null with the errors.</summary>
    private static async Task<IQueryable<Company>?> FilterAsync(
        ContactsDb db, string? name, IQueryCollection query, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var filter = await CustomFieldFilter.ReadAsync(db, CustomFieldEntity.Company, query, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return null;
        }

        var companies = filter.ApplyTo(db.Companies.AsNoTracking());
        if (!string.IsNullOrWhiteSpace(name))
        {
            var exactly = name.Trim().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
            companies = companies.Where(c => EF.Functions.ILike(c.Details.Name, exactly, @"\"));
        }

        return companies;
    }

    private static async Task<Results<Ok<Page<PersonResponse>>, ValidationProblem, ProblemHttpResult>> ListPeople(
        Guid id, [AsParameters] PageQuery page, ContactsDb db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!await db.Companies.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound(Resource, id);
        }

        var people = db.People.AsNoTracking().Where(p => p.Details.CompanyId == id);
        return TypedResults.Ok(await page.ReadAsync(people, PersonResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<CompanyResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, ContactsDb db, TimeProvider time, IOptions<JsonOptions> json,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Companies.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } company)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        var customFields = await CustomFieldSchema.PatchAsync(db, CustomFieldEntity.Company, company.Details.CustomFields, patch, errors, cancellationToken);
        if (company.Details.ApplyPatch(patch, json.Value.SerializerOptions, errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (details.ParentCompanyId is { } parentId && parentId != company.Details.ParentCompanyId)
        {
            await CompanyLinks.RequireParentAsync(db, company.Id, parentId, errors, cancellationToken);
            if (!errors.IsEmpty)
            {
                return ApiProblems.Invalid(errors);
            }
        }

        if (company.Change(details with { CustomFields = customFields }, time.GetUtcNow()))
        {
            db.Publish(company.Updated());
            if (!await db.TrySaveChangesAsync(cancellationToken))
            {
                return ApiProblems.PreconditionFailed(Resource);
            }
        }

        ETags.Write(response, company.Version);
        return TypedResults.Ok(CompanyResponse.From(company));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, ContactsDb db, TimeProvider time, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.Companies.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } company)
        {
            return loaded.Problem!;
        }

        if (await CompanyLinks.IsLinkedAsync(db, id, cancellationToken))
        {
            return ApiProblems.Conflict(
                "The company is still linked to.",
                $"People or companies still name company {id} as their company or parent; unlink them first.");
        }

        db.Companies.Remove(company);
        db.Publish(company.Deleted(time.GetUtcNow()));
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        return TypedResults.NoContent();
    }
}
