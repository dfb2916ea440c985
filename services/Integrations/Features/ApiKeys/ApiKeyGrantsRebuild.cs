using CrmCloud.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CrmCloud.Integrations.Features.ApiKeys;

/// <summary><c>ApiKeys:GrantsCheckInterval</c>: how often the integrations service checks that Redis still holds the grants.</summary>
public sealed class ApiKeyGrantsOptions
{
    public TimeSpan GrantsCheckInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Keeps the grants in Redis whole: at start and then every <see cref="ApiKeyGrantsOptions.GrantsCheckInterval"/>, when
/// Redis no longer holds the marker of a complete set (it was flushed, or restarted without its data, or this is its
/// first start), every active key's grant is written again from the database. Partners' keys then work again within
/// one interval of Redis coming back, without anyone rotating them. Several instances may rebuild at once: each
/// writes the same grants.
/// </summary>
internal sealed partial class ApiKeyGrantsRebuild(
    IServiceScopeFactory scopes,
    ApiKeyGrants grants,
    IOptions<ApiKeyGrantsOptions> options,
    TimeProvider time,
    ILogger<ApiKeyGrantsRebuild> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Rounds.RunAsync(CheckAsync, options.Value.GrantsCheckInterval, time, logger, "API key grant checks", waitFirst: false, stoppingToken);

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await grants.AreCompleteAsync())
            {
                return;
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Redis is away: the grants are checked again once it is back.
            LogRedisUnavailable(logger, exception);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IntegrationsDb>();
        var now = time.GetUtcNow();
        // Every tenant's keys: this is the service's own bookkeeping, not a request on a tenant's behalf.
        var active = await db.ApiKeys.IgnoreQueryFilters().AsNoTracking()
            .Where(key => key.RevokedAt == null && (key.ExpiresAt == null || key.ExpiresAt > now))
            .ToListAsync(cancellationToken);
        await grants.RebuildAsync(active);
        LogRebuilt(logger, active.Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis did not answer the API key grant check; it is checked again next round")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis lacked the API key grants; {KeyCount} active key(s) granted again from the database")]
    private static partial void LogRebuilt(ILogger logger, int keyCount);
}
