using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using StackExchange.Redis;
using Yarp.ReverseProxy.Forwarder;

namespace CrmCloud.Gateway.Idempotency;

/// <summary>
/// Idempotency-Key on POST (api.md). The first request with a key claims it and is forwarded; its
/// response is remembered for 24 hours, unless it is a 5xx, a failure to forward or a refusal
/// (401, 403, 429): those release the key so the caller can retry. A repeat with the same body gets the first response again, marked
/// <c>Idempotent-Replayed: true</c>, without reaching the service; a repeat with another body gets
/// 422, and a repeat while the first is still running gets 409. Requests without the header pass.
/// </summary>
internal sealed partial class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store, ILogger<IdempotencyMiddleware> logger)
{
    /// <summary>Larger responses are passed on but not remembered.</summary>
    private const int MaxStoredResponseBytes = 4 * 1024 * 1024;

    /// <summary>The response headers a replay repeats, besides the status and the body.</summary>
    private static readonly string[] ReplayedHeaders = [HeaderNames.ContentType, HeaderNames.Location, HeaderNames.ETag];

    public async Task InvokeAsync(HttpContext context, TenantContext tenant)
    {
        // Public routes (a web form) have no tenant to keep keys apart: the service there dedupes on its own.
        if (!HttpMethods.IsPost(context.Request.Method)
            || tenant.TenantIdOrNull is not { } tenantId
            || !context.Request.Headers.TryGetValue(IdempotencyOptions.HeaderName, out var keys))
        {
            await next(context);
            return;
        }

        if (keys.Count != 1 || keys[0] is not { Length: > 0 and <= IdempotencyOptions.MaxKeyLength } key || string.IsNullOrWhiteSpace(key))
        {
            await InvalidKey().ExecuteAsync(context);
            return;
        }

        var fingerprint = await FingerprintAsync(context.Request, context.RequestAborted);
        ClaimResult result;
        try
        {
            result = await store.ClaimAsync(tenantId, key, fingerprint);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogStoreUnavailable(logger, exception);
            await StoreUnavailable().ExecuteAsync(context);
            return;
        }

        switch (result)
        {
            case { Claim: { } claim }:
                await ForwardAndRememberAsync(context, claim, fingerprint);
                break;
            case { Existing: { } existing } when existing.Fingerprint != fingerprint:
                await KeyReused().ExecuteAsync(context);
                break;
            case { Existing: { Response: { } response } }:
                await ReplayAsync(context, response);
                break;
            default:
                await StillInProgress().ExecuteAsync(context);
                break;
        }
    }

    private async Task ForwardAndRememberAsync(HttpContext context, IdempotencyClaim claim, string fingerprint)
    {
        var caller = context.Response.Body;
        using var capture = new ResponseCapture(caller, MaxStoredResponseBytes);
        context.Response.Body = capture;
        try
        {
            await next(context);
        }
        catch
        {
            await ReleaseAsync(claim);
            throw;
        }
        finally
        {
            context.Response.Body = caller;
        }

        var status = context.Response.StatusCode;
        if (!IsFinal(status) || context.Features.Get<IForwarderErrorFeature>() is not null)
        {
            await ReleaseAsync(claim);
            return;
        }

        if (capture.Overflowed)
        {
            LogResponseTooLarge(logger, MaxStoredResponseBytes);
            await ReleaseAsync(claim);
            return;
        }

        var headers = ReplayedHeaders
            .Where(name => context.Response.Headers.ContainsKey(name))
            .ToDictionary(name => name, name => context.Response.Headers[name].ToString(), StringComparer.OrdinalIgnoreCase);
        try
        {
            if (!await store.CompleteAsync(claim, fingerprint, new StoredResponse(status, headers, capture.Captured)))
            {
                LogClaimLost(logger);
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The caller has its response; a repeat finds the key in progress until it expires.
            LogStoreUnavailable(logger, exception);
        }
    }

    /// <summary>
    /// Whether a response is the outcome of the request, to be replayed. A 5xx is not (the caller retries);
    /// neither is a refusal before the request ran: 401 or 403 from the service (the caller fixes its
    /// credentials and retries with the same key) or 429 (the caller waits and retries).
    /// </summary>
    private static bool IsFinal(int status) =>
        status < StatusCodes.Status500InternalServerError
        && status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status429TooManyRequests);

    private static async Task ReplayAsync(HttpContext context, StoredResponse response)
    {
        context.Response.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Headers[IdempotencyOptions.ReplayedHeaderName] = "true";
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    private async Task ReleaseAsync(IdempotencyClaim claim)
    {
        try
        {
            await store.ReleaseAsync(claim);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogStoreUnavailable(logger, exception);
        }
    }

    /// <summary>SHA-256 of the method, the path with its query and the body; the body stays readable for forwarding.</summary>
    private static async Task<string> FingerprintAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.PathBase}{request.Path}{request.QueryString}\n"));

        request.EnableBuffering();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static ValidationProblem InvalidKey() => TypedResults.ValidationProblem(
        new Dictionary<string, string[]>
        {
            [IdempotencyOptions.HeaderName] = [$"Send one key of 1 to {IdempotencyOptions.MaxKeyLength} characters."],
        },
        title: $"The {IdempotencyOptions.HeaderName} header is invalid.",
        detail: $"{IdempotencyOptions.HeaderName} must be a single value of 1 to {IdempotencyOptions.MaxKeyLength} characters.");

    private static ProblemHttpResult KeyReused() => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: $"The {IdempotencyOptions.HeaderName} was already used for a different request.",
        detail: "This key was first sent with a different method, path or body. Use a new key for a new request.");

    private static ProblemHttpResult StillInProgress() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: $"A request with this {IdempotencyOptions.HeaderName} is still in progress.",
        detail: "Retry once the first request has finished to receive its response.");

    private static ProblemHttpResult StoreUnavailable() => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: $"The {IdempotencyOptions.HeaderName} cannot be checked right now.",
        detail: "The store of idempotency keys is unavailable. Retry shortly with the same key.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "The idempotency store is unavailable")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A response larger than {MaxBytes} bytes was not stored for replay; its idempotency key was released")]
    private static partial void LogResponseTooLarge(ILogger logger, int maxBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An idempotency claim expired before its response could be stored")]
    private static partial void LogClaimLost(ILogger logger);
}
