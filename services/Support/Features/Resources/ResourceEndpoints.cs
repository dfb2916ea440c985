using System.Text.Json;
using System.Text.Json.Nodes;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Support.Features.Resources;

/// <summary>
/// How one plain configuration resource (a calendar, a policy, a contract, an article) is checked and shown:
/// <see cref="Validate"/> turns a request into details (null with errors), <see cref="ToRequest"/> gives the request
/// the current details would have been created with, so a merge patch applies to it field by field; <see cref="Changed"/>
/// lets a resource follow a change of its details.
/// </summary>
public sealed record ResourceShape<TResource, TDetails, TRequest, TResponse>(
    string Path,
    string Singular,
    string Tag,
    string Shape,
    Func<SupportDb, DbSet<TResource>> Set,
    Func<TRequest, Guid?, SupportDb, FieldErrors, CancellationToken, Task<TDetails?>> Validate,
    Func<TDetails, TRequest> ToRequest,
    Func<string, Guid, TDetails, DateTimeOffset, TResource> Create,
    Func<TResource, TResponse> ToResponse,
    Func<TRequest, Guid?> RequestedId,
    Action<TResource>? Changed = null)
    where TResource : VersionedResource<TDetails>
    where TDetails : class, IEquatable<TDetails>
    where TRequest : class;

/// <summary>Create, read, list, merge-patch and delete for a <see cref="ResourceShape{TResource,TDetails,TRequest,TResponse}"/>, the same way for each.</summary>
public static class ResourceEndpoints
{
    public static RouteGroupBuilder MapResource<TResource, TDetails, TRequest, TResponse>(
        this IEndpointRouteBuilder app, ResourceShape<TResource, TDetails, TRequest, TResponse> shape)
        where TResource : VersionedResource<TDetails>
        where TDetails : class, IEquatable<TDetails>
        where TRequest : class
    {
        var group = app.MapGroup(shape.Path).WithTags(shape.Tag);
        var name = string.Concat(shape.Singular.Split(' ').Select(word => char.ToUpperInvariant(word[0]) + word[1..]));
        var plural = string.Concat(shape.Tag.Split(' '));

        // Passed as Delegates: the route analyzer cannot read handlers over generic types.
        Delegate create = Create;
        Delegate get = Get;
        Delegate list = List;
        Delegate update = Update;
        Delegate delete = Delete;

        group.MapPost("/", create)
            .RequireScope(Scopes.Write("support"))
            .WithName($"Create{name}")
            .WithSummary($"Create a {shape.Singular}")
            .WithDescription($"{shape.Shape} An id may be supplied for idempotent imports.")
            .Accepts<TRequest>("application/json")
            .Produces<TResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id:guid}", get)
            .RequireScope(Scopes.Read("support"))
            .WithName($"Get{name}")
            .WithSummary($"Get a {shape.Singular}")
            .WithDescription($"The {shape.Singular} with its ETag.")
            .Produces<TResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/", list)
            .RequireScope(Scopes.Read("support"))
            .WithName($"List{plural}")
            .WithSummary($"List {shape.Tag.ToLowerInvariant()}")
            .WithDescription($"{shape.Tag} in creation order, a page at a time (?limit=, ?cursor=).")
            .Produces<Page<TResponse>>()
            .ProducesValidationProblem();

        group.MapPatch("/{id:guid}", update)
            .RequireScope(Scopes.Write("support"))
            .WithName($"Update{name}")
            .WithSummary($"Update a {shape.Singular} (JSON merge patch)")
            .WithDescription($"Absent fields stay, null clears an optional one, lists are replaced whole. If-Match with the ETag guards against lost updates (412). {shape.Shape}")
            .Accepts<TRequest>("application/merge-patch+json", "application/json")
            .Produces<TResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/{id:guid}", delete)
            .RequireScope(Scopes.Write("support"))
            .WithName($"Delete{name}")
            .WithSummary($"Delete a {shape.Singular} (removed permanently)")
            .WithDescription($"Removes the {shape.Singular}. If-Match guards against lost updates (412).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return group;

        async Task<Results<Created<TResponse>, ValidationProblem, ProblemHttpResult>> Create(
            TRequest request, SupportDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
        {
            var errors = new FieldErrors();
            var id = shape.RequestedId(request);
            if (id == Guid.Empty)
            {
                errors.Add("id", "The id must not be the empty UUID.");
            }

            if (await shape.Validate(request, null, db, errors, cancellationToken) is not { } details || !errors.IsEmpty)
            {
                return ApiProblems.Invalid(errors);
            }

            var resource = shape.Create(db.Tenant.TenantId, id ?? Ids.New(), details, time.GetUtcNow());
            shape.Set(db).Add(resource);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException exception) when (exception.IsUniqueViolation())
            {
                return ApiProblems.Conflict($"The {shape.Singular} conflicts with an existing one.", $"The id {resource.Id} is taken, or another {shape.Singular} already holds a value that must be unique.");
            }

            ETags.Write(response, resource.Version);
            return TypedResults.Created($"{shape.Path}/{resource.Id}", shape.ToResponse(resource));
        }

        async Task<Results<Ok<TResponse>, ProblemHttpResult>> Get(Guid id, SupportDb db, HttpResponse response, CancellationToken cancellationToken)
        {
            var resource = await shape.Set(db).AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
            if (resource is null)
            {
                return ApiProblems.NotFound(shape.Singular, id);
            }

            ETags.Write(response, resource.Version);
            return TypedResults.Ok(shape.ToResponse(resource));
        }

        async Task<Results<Ok<Page<TResponse>>, ValidationProblem>> List([AsParameters] PageQuery page, SupportDb db, CancellationToken cancellationToken) =>
            page.Validate() is { Count: > 0 } errors
                ? ApiProblems.Invalid(errors)
                : TypedResults.Ok(await page.ReadAsync(shape.Set(db).AsNoTracking(), shape.ToResponse, cancellationToken));

        async Task<Results<Ok<TResponse>, ValidationProblem, ProblemHttpResult>> Update(
            Guid id, [FromBody] JsonElement patch, SupportDb db, TimeProvider time, IOptions<JsonOptions> json,
            HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
        {
            var loaded = await shape.Set(db).FindForChangeAsync(id, request, shape.Singular, cancellationToken);
            if (loaded.Resource is not { } resource)
            {
                return loaded.Problem!;
            }

            var errors = new FieldErrors();
            if (MergeInto(shape.ToRequest(resource.Details), patch, json.Value.SerializerOptions, errors) is not { } patched
                || await shape.Validate(patched, id, db, errors, cancellationToken) is not { } details
                || !errors.IsEmpty)
            {
                return ApiProblems.Invalid(errors);
            }

            if (resource.Change(details, time.GetUtcNow()))
            {
                shape.Changed?.Invoke(resource);
                try
                {
                    if (!await db.TrySaveChangesAsync(cancellationToken))
                    {
                        return ApiProblems.PreconditionFailed(shape.Singular);
                    }
                }
                catch (DbUpdateException exception) when (exception.IsUniqueViolation())
                {
                    return ApiProblems.Conflict($"The {shape.Singular} conflicts with an existing one.", $"Another {shape.Singular} already holds a value that must be unique.");
                }
            }

            ETags.Write(response, resource.Version);
            return TypedResults.Ok(shape.ToResponse(resource));
        }

        async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, SupportDb db, HttpRequest request, CancellationToken cancellationToken)
        {
            var loaded = await shape.Set(db).FindForChangeAsync(id, request, shape.Singular, cancellationToken);
            if (loaded.Resource is not { } resource)
            {
                return loaded.Problem!;
            }

            shape.Set(db).Remove(resource);
            return await db.TrySaveChangesAsync(cancellationToken) ? TypedResults.NoContent() : ApiProblems.PreconditionFailed(shape.Singular);
        }
    }

    /// <summary>
    /// RFC 7396 over the request the resource would be created with: members the request does not have are errors
    /// by name, objects merge member by member, anything else replaces.
    /// </summary>
    internal static TRequest? MergeInto<TRequest>(TRequest current, JsonElement patch, JsonSerializerOptions json, FieldErrors errors)
        where TRequest : class
    {
        if (patch.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "A merge patch is a JSON object.");
            return null;
        }

        var target = JsonSerializer.SerializeToNode(current, json)!.AsObject();
        var allowed = typeof(TRequest).GetProperties().Select(p => json.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name).Where(n => n != "id").ToHashSet(StringComparer.Ordinal);
        foreach (var member in patch.EnumerateObject())
        {
            if (!allowed.Contains(member.Name))
            {
                errors.Add(member.Name, "This field cannot be changed, or does not exist.");
                continue;
            }

            target[member.Name] = Merge(target[member.Name], JsonNode.Parse(member.Value.GetRawText()));
        }

        if (!errors.IsEmpty)
        {
            return null;
        }

        try
        {
            return target.Deserialize<TRequest>(json);
        }
        catch (JsonException exception)
        {
            errors.Add(exception.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body", "The value is not valid for this field.");
            return null;
        }
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject || target is not JsonObject targetObject)
        {
            return patch;
        }

        var merged = targetObject.DeepClone().AsObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = Merge(merged[key], value.DeepClone());
            }
        }

        return merged;
    }
}
