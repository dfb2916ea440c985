using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Contacts.Features.CustomFields;

public static class CustomFieldEndpoints
{
    private const string Resource = "custom field";

    /// <summary>How often a delete is tried again when a record it takes a value off changed meanwhile.</summary>
    private const int MaxDeleteAttempts = 3;

    public static RouteGroupBuilder MapCustomFields(this IEndpointRouteBuilder app)
    {
        var fields = app.MapGroup("/api/v1/custom-fields").WithTags("Custom fields");

        fields.MapPost("/", Create)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("CreateCustomField")
            .WithSummary("Define a custom field for people or companies")
            .WithDescription(
                $"Defines a field whose values people (entity person) or companies (entity company) then carry under customFields.<key>. "
                + $"entity: {CustomFieldRequests.Names<CustomFieldEntity>()}; type: {CustomFieldRequests.Names<CustomFieldType>()}. "
                + "key is the field's stable API name: a lower-case letter, then up to 39 letters, digits or underscores, unique per tenant and entity "
                + "(409 when taken). entity, key and type cannot be changed later. A choice field needs options (1 to 100, unique ignoring case); "
                + "other types have none. Values: text up to 1000 characters; a JSON number strictly between -10^15 and 10^15; a date YYYY-MM-DD; "
                + "true or false; one of the options. A required field must have a value when a record is created and cannot be removed from one; "
                + "records that existed before it became required keep working until they are patched. An id may be supplied for idempotent imports.")
            .Accepts<CreateCustomFieldRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);

        fields.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("GetCustomField")
            .WithSummary("Get a custom field")
            .WithDescription("Answers the field's definition with its ETag, to send as If-Match when changing or deleting it. 404 when the tenant has no such field.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        fields.MapGet("/", List)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("ListCustomFields")
            .WithSummary("List custom fields")
            .WithDescription("The tenant's custom fields in creation order, a page at a time: pass nextCursor back as cursor. ?entity=person or ?entity=company keeps those of one entity.");

        fields.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("UpdateCustomField")
            .WithSummary("Update a custom field (JSON merge patch)")
            .WithDescription(
                "label, description, required and options can change; entity, key and type cannot (400). options are replaced whole: options may be "
                + "added, reordered, or removed while no record holds them (409 naming the option otherwise). Making a field required does not touch "
                + "existing records. If-Match with the ETag guards against lost updates (412).")
            .Accepts<CreateCustomFieldRequest>("application/merge-patch+json", "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        fields.MapDelete("/{id:guid}", Delete)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("DeleteCustomField")
            .WithSummary("Delete a custom field and its values (removed permanently)")
            .WithDescription(
                "Removes the field and, in the same transaction, its value from every person or company that has one; each such record gets a new "
                + "version and publishes ContactUpdated or CompanyUpdated, so copies elsewhere drop the value too. The key can then be defined again, "
                + "with any type, starting with no values. 409 when records kept changing while the values were removed: try again.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return fields;
    }

    private static async Task<Results<Created<CustomFieldResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateCustomFieldRequest request, ContactsDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(errors) is not { } valid)
        {
            return ApiProblems.Invalid(errors);
        }

        var (entity, key, type, details) = valid;

        if (await db.CustomFields.AnyAsync(f => f.Entity == entity && f.Key == key, cancellationToken))
        {
            return KeyTaken(entity, key);
        }

        var field = CustomFieldDefinition.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), entity, key, type, details, time.GetUtcNow());
        db.CustomFields.Add(field);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            // Either the same key defined in the same instant, or an id that is taken.
            return exception.InnerException is PostgresException { ConstraintName: CustomFieldConfiguration.UniqueKeyIndex }
                ? KeyTaken(entity, key)
                : ApiProblems.Conflict("The id is taken.", $"A resource with id {field.Id} already exists.");
        }

        ETags.Write(response, field.Version);
        return TypedResults.Created($"/api/v1/custom-fields/{field.Id}", CustomFieldResponse.From(field));
    }

    private static async Task<Results<Ok<CustomFieldResponse>, ProblemHttpResult>> Get(
        Guid id, ContactsDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var field = await db.CustomFields.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (field is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, field.Version);
        return TypedResults.Ok(CustomFieldResponse.From(field));
    }

    private static async Task<Results<Ok<Page<CustomFieldResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, string? entity, ContactsDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        var named = Enum.GetValues<CustomFieldEntity>().Cast<CustomFieldEntity?>().FirstOrDefault(e => WireNames<CustomFieldEntity>.Of(e!.Value) == entity);
        if (entity is not null && named is null)
        {
            errors["entity"] = [$"The entity must be one of {CustomFieldRequests.Names<CustomFieldEntity>()}."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var fields = db.CustomFields.AsNoTracking();
        if (named is { } only)
        {
            fields = fields.Where(f => f.Entity == only);
        }

        return TypedResults.Ok(await page.ReadAsync(fields, CustomFieldResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<CustomFieldResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, ContactsDb db, TimeProvider time, IOptions<JsonOptions> json,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.CustomFields.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } field)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (field.Details.ApplyPatch(field.Type, patch, json.Value.SerializerOptions, errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        foreach (var removed in field.Details.Options.Except(details.Options, StringComparer.Ordinal))
        {
            // Renaming an option is removing one and adding another: the stored values would name nothing.
            if (await CustomFieldUsage.IsInUseAsync(db, field, removed, cancellationToken))
            {
                return ApiProblems.Conflict(
                    "The option is in use.",
                    $"Some records hold '{removed}' in {field.Key}; change their value first, or keep the option.");
            }
        }

        if (field.Change(details, time.GetUtcNow()) && !await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        ETags.Write(response, field.Version);
        return TypedResults.Ok(CustomFieldResponse.From(field));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, ContactsDb db, TimeProvider time, HttpRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await db.CustomFields.FindForChangeAsync(id, request, Resource, cancellationToken);
            if (loaded.Resource is not { } field)
            {
                return loaded.Problem!;
            }

            db.CustomFields.Remove(field);
            await CustomFieldUsage.RemoveValuesAsync(db, field, time.GetUtcNow(), cancellationToken);
            if (await db.TrySaveChangesAsync(cancellationToken))
            {
                return TypedResults.NoContent();
            }

            if (attempt == MaxDeleteAttempts)
            {
                return ApiProblems.Conflict(
                    "The records kept changing.",
                    $"People or companies holding {field.Key} changed while its values were being removed; try again.");
            }

            // A record (or the field) changed after it was read: read everything again. A changed field then meets If-Match.
            db.ChangeTracker.Clear();
        }
    }

    private static ProblemHttpResult KeyTaken(CustomFieldEntity entity, string key) =>
        ApiProblems.Conflict("The key is taken.", $"The tenant already has a custom field '{key}' for {WireNames<CustomFieldEntity>.Of(entity)}.");
}
