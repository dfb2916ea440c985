using System.Security.Claims;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace CrmCloud.Integrations.Features.ApiKeys;

public static class ApiKeyEndpoints
{
    private const string Resource = "API key";
    private const string Path = "/api/v1/api-keys";

    public static RouteGroupBuilder MapApiKeys(this IEndpointRouteBuilder app)
    {
        // Only a tenant administrator's own token manages keys: a request made with an API key has no role.
        var keys = app.MapGroup(Path).WithTags("API keys").RequireTenantAdmin();

        keys.MapPost("/", Create)
            .WithName("CreateApiKey")
            .WithSummary("Create a partner API key")
            .WithDescription("A key with a name, scopes (each one the administrator holds) and an optional expiry. The secret is in this answer only; send it as 'Authorization: ApiKey <secret>' or 'X-Api-Key'.")
            .Accepts<CreateApiKeyRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        keys.MapGet("/", List)
            .WithName("ListApiKeys")
            .WithSummary("List the tenant's API keys")
            .WithDescription("Keys in creation order, a page at a time, without their secrets; revoked and expired keys stay listed with their status.")
            .ProducesValidationProblem();

        keys.MapGet("/{id:guid}", Get)
            .WithName("GetApiKey")
            .WithSummary("Get an API key")
            .WithDescription("The key without its secret.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        keys.MapPost("/{id:guid}/rotate", Rotate)
            .WithName("RotateApiKey")
            .WithSummary("Rotate an API key's secret")
            .WithDescription("A new secret, in this answer only; the old one stops working on every gateway within seconds. Only an active key rotates (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        keys.MapPost("/{id:guid}/revoke", Revoke)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key")
            .WithDescription("The key stops working on every gateway within seconds and stays listed as revoked. Revoking a revoked key changes nothing.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return keys;
    }

    private static async Task<Results<Created<ApiKeyResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateApiKeyRequest request, IntegrationsDb db, ApiKeyGrants grants, TimeProvider time, ClaimsPrincipal user, HttpResponse response, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        if (request.Validate(AuthenticationExtensions.ScopesOf(user).ToHashSet(StringComparer.Ordinal), now, errors) is not { } details)
        {
            return ApiProblems.Invalid(errors);
        }

        var secret = ApiKeySecret.New();
        var key = ApiKey.Create(db.Tenant.TenantId, Ids.New(), details, secret, user.Identity?.Name ?? "", now);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        if (await TryAsync(() => grants.GrantAsync(key)) is { } unavailable)
        {
            return unavailable;
        }

        ETags.Write(response, key.Version);
        return TypedResults.Created($"{Path}/{key.Id}", ApiKeyResponse.From(key, now, secret));
    }

    private static async Task<Results<Ok<Page<ApiKeyResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, IntegrationsDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        var now = time.GetUtcNow();
        return TypedResults.Ok(await page.ReadAsync(db.ApiKeys.AsNoTracking(), key => ApiKeyResponse.From(key, now), cancellationToken));
    }

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> Get(
        Guid id, IntegrationsDb db, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, key.Version);
        return TypedResults.Ok(ApiKeyResponse.From(key, time.GetUtcNow()));
    }

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> Rotate(
        Guid id, IntegrationsDb db, ApiKeyGrants grants, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.ApiKeys.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } key)
        {
            return loaded.Problem!;
        }

        var now = time.GetUtcNow();
        if (key.StatusAt(now) is not ApiKeyStatus.Active and var status)
        {
            return ApiProblems.Conflict("Only an active key can be rotated.", $"The API key is {status.ToString().ToLowerInvariant()}; create a new one.");
        }

        var old = key.SecretHash;
        var secret = ApiKeySecret.New();
        key.Rotate(secret, now);
        if (await TryAsync(() => grants.WithdrawAsync(old)) is { } unavailable)
        {
            return unavailable;
        }

        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.PreconditionFailed(Resource);
        }

        if (await TryAsync(() => grants.GrantAsync(key)) is { } notGranted)
        {
            return notGranted;
        }

        ETags.Write(response, key.Version);
        return TypedResults.Ok(ApiKeyResponse.From(key, now, secret));
    }

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> Revoke(
        Guid id, IntegrationsDb db, ApiKeyGrants grants, TimeProvider time, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.ApiKeys.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } key)
        {
            return loaded.Problem!;
        }

        var now = time.GetUtcNow();
        if (key.Revoke(now))
        {
            if (await TryAsync(() => grants.WithdrawAsync(key.SecretHash)) is { } unavailable)
            {
                return unavailable;
            }

            if (!await db.TrySaveChangesAsync(cancellationToken))
            {
                return ApiProblems.PreconditionFailed(Resource);
            }
        }

        ETags.Write(response, key.Version);
        return TypedResults.Ok(ApiKeyResponse.From(key, now));
    }

    /// <summary>Runs a change to the grants in Redis; a Redis outage is a 503 the caller may retry, not a server error.</summary>
    private static async Task<ProblemHttpResult?> TryAsync(Func<Task> change)
    {
        try
        {
            await change();
            return null;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The key store is unavailable.",
                detail: "The store the gateway checks keys against did not answer; try again shortly. A secret being replaced or revoked is refused already.");
        }
    }
}
