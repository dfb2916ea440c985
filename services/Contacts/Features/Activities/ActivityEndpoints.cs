using System.Text.Json;
using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.Consent;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Contacts.Features.Activities;

public static class ActivityEndpoints
{
    private const string Resource = "activity";

    public static RouteGroupBuilder MapActivities(this IEndpointRouteBuilder app)
    {
        var activities = app.MapGroup("/api/v1/activities").WithTags("Activities");

        activities.MapPost("/", Create)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("CreateActivity")
            .WithSummary("Log an activity")
            .WithDescription(
                $"Logs a call, email, meeting, chat, note or task (type: {ActivityRequests.TypeNames}) against personId, companyId or both; "
                + "each must name a record of the tenant (400 otherwise). An id may be supplied for idempotent imports. "
                + "occurredAt defaults to now (a task's to its creation time); direction (inbound, outbound) is for calls, emails and chats only; "
                + "dueAt and done are for tasks only, and completedAt is set when done becomes true. personId and companyId cannot be changed later.")
            .Accepts<CreateActivityRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);

        activities.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("GetActivity")
            .WithSummary("Get an activity")
            .WithDescription("Answers the activity with its ETag, to send as If-Match when changing or deleting it. 404 when the tenant has no such activity.");

        activities.MapGet("/", List)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("ListActivities")
            .WithSummary("List activities")
            .WithDescription(
                "Activities in creation order, a page at a time: pass nextCursor back as cursor. "
                + $"?personId=, ?companyId= and ?type= ({ActivityRequests.TypeNames}) keep the matching ones. For a person's history newest first, read their timeline.");

        activities.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("UpdateActivity")
            .WithSummary("Update an activity (JSON merge patch)")
            .WithDescription(
                "Absent fields stay, null clears a field (a task's occurredAt returns to its creation time). personId and companyId cannot be changed. "
                + "Setting done to true on a task sets completedAt; setting it to false clears it. If-Match with the ETag guards against lost updates (412).")
            .Accepts<CreateActivityRequest>("application/merge-patch+json", "application/json")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        activities.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("DeleteActivity")
            .WithSummary("Delete an activity (removed permanently)")
            .WithDescription("Removes the activity from its person's or company's timeline. If-Match with the ETag guards against deleting a version the caller has not seen (412).")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        app.MapGet("/api/v1/people/{id:guid}/timeline", Timeline)
            .WithTags("Activities")
            .RequireScope(Scopes.Read("contacts"))
            .WithName("GetPersonTimeline")
            .WithSummary("Get a person's timeline")
            .WithDescription(
                "What happened with the person, newest first by occurredAt (ties newest id first), a page at a time: pass nextCursor back as cursor. "
                + "Each item has kind, occurredAt and the entry under the property its kind names: activity, or a fact another service published "
                + "about the person: order (placed, cancelled), invoice (issued), payment (received), ticket (opened, solved) or campaign "
                + "(the response: opened, clicked, replied, converted, unsubscribed), each with event, sourceId, summary and, where there is one, "
                + "amount as { amount, currency } (an order's net total, an invoice's total, a payment's amount). Facts appear as they arrive by event. "
                + "A task is placed by its occurredAt (by default when it was created), not by its due time, so that rescheduling it does not move it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return activities;
    }

    private static async Task<Results<Created<ActivityResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateActivityRequest request, ContactsDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var now = Timestamps.Stored(time.GetUtcNow());
        var errors = new FieldErrors();
        var details = request.Validate(now, errors);
        await RequireLinksAsync(db, request.PersonId, request.CompanyId, errors, cancellationToken);
        if (details is null || !errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var activity = Activity.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), request.PersonId, request.CompanyId, details, now);
        db.Activities.Add(activity);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"A resource with id {activity.Id} already exists.");
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } violation)
        {
            // The person or company was deleted in the same instant.
            var field = violation.ConstraintName?.Contains("people", StringComparison.Ordinal) == true ? "personId" : "companyId";
            errors.Add(field, "The record was deleted.");
            return ApiProblems.Invalid(errors);
        }

        ETags.Write(response, activity.Version);
        return TypedResults.Created($"/api/v1/activities/{activity.Id}", ActivityResponse.From(activity));
    }

    private static async Task<Results<Ok<ActivityResponse>, ProblemHttpResult>> Get(
        Guid id, ContactsDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var activity = await db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (activity is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, activity.Version);
        return TypedResults.Ok(ActivityResponse.From(activity));
    }

    private static async Task<Results<Ok<Page<ActivityResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, Guid? personId, Guid? companyId, string? type, ContactsDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        var named = ActivityRequests.Type(type);
        if (type is not null && named is null)
        {
            errors["type"] = [$"The type must be one of {ActivityRequests.TypeNames}."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var activities = db.Activities.AsNoTracking();
        if (personId is { } person)
        {
            activities = activities.Where(a => a.PersonId == person);
        }

        if (companyId is { } company)
        {
            activities = activities.Where(a => a.CompanyId == company);
        }

        if (named is { } only)
        {
            activities = activities.Where(a => a.Details.Type == only);
        }

        return TypedResults.Ok(await page.ReadAsync(activities, ActivityResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<ActivityResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, ContactsDb db, TimeProvider time, IOptions<JsonOptions> json,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Activities.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } activity)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (activity.Details.ApplyPatch(patch, json.Value.SerializerOptions, activity.CreatedAt, errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        if (activity.Revise(details, Timestamps.Stored(time.GetUtcNow())) && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, activity.Version);
        return TypedResults.Ok(ActivityResponse.From(activity));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, ContactsDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var loaded = await db.Activities.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } activity)
        {
            return loaded.Problem!;
        }

        db.Activities.Remove(activity);
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Page<TimelineItem>>, ValidationProblem, ProblemHttpResult>> Timeline(
        Guid id, [AsParameters] TimelineQuery page, ContactsDb db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!await db.People.AnyAsync(p => p.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound("person", id);
        }

        return TypedResults.Ok(await page.ReadAsync(
            db.Activities.AsNoTracking().Where(a => a.PersonId == id),
            db.CustomerFacts.AsNoTracking().Where(f => f.PersonId == id),
            cancellationToken));
    }

    /// <summary>
    /// Adds an error naming <c>personId</c> or <c>companyId</c> unless it names a record of the tenant; the tenant
    /// filter hides every other tenant's, so they read as missing.
    /// </summary>
    private static async Task RequireLinksAsync(ContactsDb db, Guid? personId, Guid? companyId, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (personId is { } person && !await db.People.AnyAsync(p => p.Id == person, cancellationToken))
        {
            errors.Add("personId", $"There is no person with id {person}.");
        }

        if (companyId is { } company)
        {
            await CompanyLinks.RequireCompanyAsync(db, "companyId", company, errors, cancellationToken);
        }
    }
}
