using CrmCloud.ServiceDefaults.Cache;

namespace CrmCloud.Gateway.Idempotency;

public static class IdempotencyExtensions
{
    /// <summary>Idempotency-Key support for POST, kept in the Redis of <see cref="CacheExtensions.AddCache"/>.</summary>
    public static IHostApplicationBuilder AddIdempotency(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.Section);
        builder.Services.AddSingleton<IdempotencyStore>();
        return builder;
    }

    /// <summary>A proxy pipeline step: it runs for authorised, proxied requests only, so the tenant is known.</summary>
    public static IApplicationBuilder UseIdempotency(this IApplicationBuilder proxy) =>
        proxy.UseMiddleware<IdempotencyMiddleware>();
}
