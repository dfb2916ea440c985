using System.Globalization;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using StackExchange.Redis;

namespace CrmCloud.Gateway.Protection;

/// <summary>A plan's limits: requests per window for the whole tenant, and for each of its API keys.</summary>
public sealed class RatePlan
{
    public int PerTenant { get; set; }

    public int PerApiKey { get; set; }
}

/// <summary>
/// <c>Gateway:RateLimits</c>: the window, the plans and which tenant has which plan (the others have
/// <see cref="DefaultPlan"/>). <see cref="KeyPrefix"/> names the counters in Redis.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Gateway:RateLimits";

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    public string DefaultPlan { get; set; } = "standard";

    public Dictionary<string, RatePlan> Plans { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> TenantPlans { get; set; } = new(StringComparer.Ordinal);

    public string KeyPrefix { get; set; } = "crm:ratelimit:";

    public RatePlan PlanOf(string tenant) =>
        TenantPlans.TryGetValue(tenant, out var name) && Plans.TryGetValue(name, out var plan) ? plan : Plans[DefaultPlan];
}

/// <summary>
/// Rate limits per tenant and per API key, counted in Redis so that every gateway instance shares them: a fixed
/// window whose counters all instances increment in one script. Every proxied response of a tenant's caller says
/// where it stands (<c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c>, <c>RateLimit-Reset</c> in seconds, for the
/// tighter of its limits); over a limit it gets 429 with <c>Retry-After</c>. When Redis does not answer, requests
/// pass: an outage of the counters must not become an outage of the API.
/// </summary>
internal sealed partial class RateLimits(IConnectionMultiplexer redis, IOptions<RateLimitOptions> options, TimeProvider time, ILogger<RateLimits> logger)
{
    // INCR each counter, starting its expiry with the window; returns the counts in KEYS order.
    private const string CountScript = """
        local counts = {}
        for i, key in ipairs(KEYS) do
          local count = redis.call('INCR', key)
          if count == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
          counts[i] = count
        end
        return counts
        """;

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (context.User.FindFirst(CrmClaims.Tenant)?.Value is not { Length: > 0 } tenant)
        {
            await next();
            return;
        }

        var settings = options.Value;
        var plan = settings.PlanOf(tenant);
        var apiKeyId = context.User.FindFirst(CrmClaims.ApiKeyId)?.Value;
        var windowMs = (long)settings.Window.TotalMilliseconds;
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var window = nowMs / windowMs;
        var resetSeconds = (int)Math.Ceiling(((window + 1) * windowMs - nowMs) / 1000.0);

        List<(RedisKey Key, int Limit, string What)> counters = [($"{settings.KeyPrefix}tenant:{tenant}:{window}", plan.PerTenant, "your organisation")];
        if (apiKeyId is not null)
        {
            counters.Add(($"{settings.KeyPrefix}key:{apiKeyId}:{window}", plan.PerApiKey, "this API key"));
        }

        long[] counts;
        try
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(CountScript, [.. counters.Select(counter => counter.Key)], [windowMs * 2]);
            counts = (long[])result!;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogCountersUnavailable(logger, exception);
            await next();
            return;
        }

        var tightest = counters.Select((counter, index) => (counter.Limit, counter.What, Remaining: counter.Limit - counts[index])).MinBy(state => state.Remaining);
        var headers = context.Response.Headers;
        headers["RateLimit-Limit"] = tightest.Limit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = Math.Max(0, tightest.Remaining).ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = resetSeconds.ToString(CultureInfo.InvariantCulture);
        if (tightest.Remaining >= 0)
        {
            await next();
            return;
        }

        headers[HeaderNames.RetryAfter] = resetSeconds.ToString(CultureInfo.InvariantCulture);
        LogLimited(logger, tenant, apiKeyId, tightest.Limit);
        await TooManyRequests(tightest.What, tightest.Limit, settings.Window, resetSeconds).ExecuteAsync(context);
    }

    private static ProblemHttpResult TooManyRequests(string what, int limit, TimeSpan window, int retryAfter) => TypedResults.Problem(
        statusCode: StatusCodes.Status429TooManyRequests,
        title: "Too many requests.",
        detail: $"The limit for {what} is {limit} requests per {window.TotalSeconds:0} seconds. Try again in {retryAfter} seconds.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "The rate limit counters in Redis did not answer; the request passes uncounted")]
    private static partial void LogCountersUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} (API key {ApiKeyId}) reached its limit of {Limit} requests")]
    private static partial void LogLimited(ILogger logger, string tenantId, string? apiKeyId, int limit);
}
