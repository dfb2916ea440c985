using System.Text.Json;
using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.Duplicates;
using CrmCloud.Contacts.Features.Profile;
using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Contacts.Features.Search;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Contacts.Features.People;

public static class PersonEndpoints
{
    private const string Resource = "person";

    public static RouteGroupBuilder MapPeople(this IEndpointRouteBuilder app)
    {
        var people = app.MapGroup("/api/v1/people").WithTags("People");

        people.MapPost("/", Create)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("CreatePerson")
            .WithSummary("Create a person")
            .WithDescription(
                "Creates a person and publishes ContactCreated. An id may be supplied for idempotent imports. companyId must name a company of the tenant (400 otherwise). "
                + "customFields is an object of values by key, each checked against the tenant's custom fields for people (400 naming customFields.<key>). "
                + "?onDuplicate=reject refuses to create a likely duplicate (the rules of GET /api/v1/people/{id}/duplicates) with a 409 whose "
                + "duplicates member lists them (id, score, reasons); the default, allow, creates the person anyway.")
            .Accepts<CreatePersonRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);

        people.MapPost("/batch", PeopleBatch.CreateAsync)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("CreatePeople")
            .WithSummary("Create up to 500 people at once")
            .WithDescription(
                $"Creates 1 to {PeopleBatch.MaxItems} people, each item shaped as for POST /api/v1/people; any other number of items is a 400 naming items. "
                + "Partial success: the answer is 200 with one result per item in request order, each with its index and status: "
                + "201 with id and person, 400 with errors by field (companyId must name a company of the tenant), "
                + "or 409 when the item's id is already stored or repeated earlier in the batch. "
                + "The valid items are stored together in one transaction, each publishing ContactCreated; invalid ones change nothing.")
            .Accepts<CreatePeopleRequest>("application/json");

        people.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("GetPerson")
            .WithSummary("Get a person")
            .WithDescription("Answers the person with their ETag, to send as If-Match when changing or deleting them. 404 when the tenant has no such person.");

        people.MapGet("/", List)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("ListPeople")
            .WithSummary("List people")
            .WithDescription(
                "People in creation order, a page at a time: pass nextCursor back as cursor. "
                + "?q= (2 to 200 characters) searches instead, tolerating typos: people bearing a word similar to each word of q "
                + "in their first name, last name or email (\"katherin jonson\" finds Katherine Johnson, not every Johnson), "
                + "people whose company's name or domain is similar to q, and phone digits when q looks like a phone number (\"7946\" finds \"+44 20 7946 0000\"). "
                + "Search results are ranked best first, not in creation order; their nextCursor continues the same ranking "
                + "and is only valid with the same q; q does not combine with the filters. "
                + PeopleFilter.Description
                + CustomFieldFilter.Description
                + PeopleByValue.Description);

        people.MapGet("/export", Export)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("ExportPeople")
            .WithSummary("Export people as CSV")
            .WithDescription(
                "Every person the list's filters keep (the same parameters as GET /api/v1/people, such as ?q=), in creation order, "
                + "as text/csv streamed row by row: no paging, whatever the number. A header row names the columns after the API's fields "
                + "(so the file imports again as it is); RFC 4180 quoting; a cell starting with = + - or @ is prefixed with an apostrophe "
                + "so that spreadsheets open it as text rather than run it as a formula.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();

        people.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("UpdatePerson")
            .WithSummary("Update a person (JSON merge patch)")
            .WithDescription(
                "Absent fields stay, null clears a field. companyId must name a company of the tenant (400 otherwise). "
                + "customFields is merged key by key: absent keys stay, null removes a value (not a required one). If-Match with the ETag guards against lost updates (412).")
            .Accepts<CreatePersonRequest>("application/merge-patch+json", "application/json")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        people.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("DeletePerson")
            .WithSummary("Delete a person (removed permanently)")
            .WithDescription("Removes the person and publishes ContactDeleted, so the copies in other services go too.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return people;
    }

    private static async Task<Results<Created<PersonResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreatePersonRequest request, string? onDuplicate, ContactsDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var creation = new PersonCreation(db, time);
        var errors = new FieldErrors();
        var rejectDuplicates = onDuplicate switch
        {
            null or "allow" => false,
            "reject" => true,
            _ => (bool?)null,
        };
        if (rejectDuplicates is null)
        {
            errors.Add("onDuplicate", "One of: allow, reject.");
        }

        if (await creation.ValidateAsync(request, errors, cancellationToken) is not { } details || rejectDuplicates is null)
        {
            return ApiProblems.Invalid(errors);
        }

        if (rejectDuplicates == true && (await DuplicateSearch.ReadAsync(db, details, cancellationToken)).Items is { Count: > 0 } duplicates)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The person is likely a duplicate.",
                detail: "People of the tenant match by email, phone or a similar name at the same company; see duplicates, or create with onDuplicate=allow.",
                extensions: new Dictionary<string, object?>
                {
                    ["duplicates"] = duplicates.Select(d => new { id = d.Person.Id, score = d.Score, reasons = d.Reasons }).ToList(),
                });
        }

        var person = creation.Add(request, details);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return PersonCreation.IdTaken(person.Id);
        }

        ETags.Write(response, person.Version);
        return TypedResults.Created($"/api/v1/people/{person.Id}", PersonResponse.From(person));
    }

    private static async Task<Results<Ok<PersonResponse>, ProblemHttpResult>> Get(
        Guid id, ContactsDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (person is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, person.Version);
        return TypedResults.Ok(PersonResponse.From(person));
    }

    private static async Task<Results<Ok<Page<PersonResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, [AsParameters] PeopleFilter filter, string? sort, string? currency, ContactsDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (await filter.ApplyAsync(db, request.Query, errors, cancellationToken) is not { } people)
        {
            return ApiProblems.Invalid(errors);
        }

        if (sort is not null || currency is not null)
        {
            return await PeopleByValue.ListAsync(db, people, page, sort, currency, filter.Q, cancellationToken);
        }

        if (filter.Q is { } q)
        {
            return SearchQuery.Parse(q, page, errors) is { } search
                ? TypedResults.Ok(await PeopleSearch.ReadAsync(db, search, cancellationToken))
                : ApiProblems.Invalid(errors);
        }

        if (page.Validate() is { Count: > 0 } pageErrors)
        {
            return ApiProblems.Invalid(pageErrors);
        }

        return TypedResults.Ok(await page.ReadAsync(people, PersonResponse.From, cancellationToken));
    }

    private static async Task<Results<PushStreamHttpResult, ValidationProblem>> Export(
        [AsParameters] PeopleFilter filter, ContactsDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (await filter.ApplyAsync(db, request.Query, errors, cancellationToken) is not { } people)
        {
            return ApiProblems.Invalid(errors);
        }

        return CsvExport.Result(filter.ReadAllAsync(db, people, cancellationToken), PeopleCsv.Columns, "people.csv", cancellationToken);
    }

    private static async Task<Results<Ok<PersonResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, ContactsDb db, TimeProvider time, IOptions<JsonOptions> json,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.People.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } person)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (await PersonPatch.ApplyAsync(db, person, patch, json.Value.SerializerOptions, time.GetUtcNow(), errors, cancellationToken) is not { } changed)
        {
            return ApiProblems.Invalid(errors);
        }

        if (changed && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, person.Version);
        return TypedResults.Ok(PersonResponse.From(person));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, ContactsDb db, TimeProvider time, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.People.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } person)
        {
            return loaded.Problem!;
        }

        db.People.Remove(person);
        db.Publish(person.Deleted(time.GetUtcNow()));
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        return TypedResults.NoContent();
    }
}
