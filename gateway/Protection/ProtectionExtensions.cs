using Microsoft.Net.Http.Headers;

namespace CrmCloud.Gateway.Protection;

public static class ProtectionExtensions
{
    /// <summary>The headers a web frontend on another origin may read from an answer.</summary>
    private static readonly string[] ExposedHeaders =
    [
        HeaderNames.ETag, HeaderNames.Location, HeaderNames.RetryAfter,
        "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Idempotent-Replayed",
    ];

    /// <summary>
    /// What keeps callers and the gateway safe from each other: CORS for the web frontends named in
    /// <c>Gateway:Cors:Origins</c> (none, no cross-origin calls), rate limits, a circuit breaker per destination.
    /// Timeouts are per route (<c>Gateway:Timeouts</c>, see <see cref="Routing.RouteTimeouts"/>); body sizes are
    /// limited by ServiceDefaults.
    /// </summary>
    public static IHostApplicationBuilder AddProtection(this IHostApplicationBuilder builder)
    {
        var origins = builder.Configuration.GetSection("Gateway:Cors:Origins").Get<string[]>() ?? [];
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins(origins)
            .AllowAnyMethod()
            .AllowAnyHeader()
            .WithExposedHeaders(ExposedHeaders)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));

        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.Section)
            .Validate(limits => limits.Plans.ContainsKey(limits.DefaultPlan), "Gateway:RateLimits:Plans must hold the DefaultPlan.")
            .Validate(limits => limits.Window >= TimeSpan.FromSeconds(1), "Gateway:RateLimits:Window must be at least a second.")
            .ValidateOnStart();
        builder.Services.AddSingleton<RateLimits>();
        builder.Services.AddOptions<CircuitBreakerOptions>().BindConfiguration(CircuitBreakerOptions.Section);
        builder.Services.AddSingleton<CircuitBreakers>();
        return builder;
    }

    /// <summary>Security headers and CORS, first of all: a refusal (401, 413, 429) carries them too; then per-route timeouts.</summary>
    public static WebApplication UseProtection(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = "frame-ancestors 'none'";
                headers.XFrameOptions = "DENY";
                if (context.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseCors();
        app.UseRequestTimeouts();
        return app;
    }

    /// <summary>A proxy step: counts the authorised caller's request against its tenant's and its key's limits.</summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder proxy)
    {
        var limits = proxy.ApplicationServices.GetRequiredService<RateLimits>();
        return proxy.Use((context, next) => limits.InvokeAsync(context, () => next(context)));
    }
}
