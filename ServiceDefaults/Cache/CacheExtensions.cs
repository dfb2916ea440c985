using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CrmCloud.ServiceDefaults.Cache;

public static class CacheExtensions
{
    /// <summary>The connection string the orchestrator hands over (<c>ConnectionStrings__cache</c>).</summary>
    public const string ConnectionName = "cache";

    /// <summary>
    /// One Redis connection for the process, shared by everything the gateway keeps in Redis, and a
    /// readiness check on it. Start-up does not wait for Redis: the connection retries in the
    /// background and readiness reports it until it is up.
    /// </summary>
    public static IHostApplicationBuilder AddCache(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"Redis is not configured: set ConnectionStrings:{ConnectionName} (for example 'localhost:6379').");
        }

        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [Extensions.ReadyTag]);
        return builder;
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Unhealthy("Redis is not connected.");
        }

        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.#} ms.");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis did not answer.", exception);
        }
    }
}
