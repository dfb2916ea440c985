using System.Collections.Concurrent;
using System.Globalization;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CrmCloud.Gateway.Credentials;

/// <summary>
/// Finds the grant of a presented secret: in memory first (the hot path touches nothing else), in Redis on a miss.
/// A grant stays in memory for <see cref="PartnerKeyOptions.CacheFor"/> at most; a revocation published by the
/// integrations service removes it at once, and a reconnection to Redis (messages may have been missed) forgets all.
/// Unknown secrets are not remembered, so a key works the moment it is created.
/// </summary>
internal sealed partial class PartnerKeyGrants : IHostedService
{
    private readonly ConcurrentDictionary<string, (PartnerKeyGrant Grant, long CachedAt)> _cache = new(StringComparer.Ordinal);
    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _time;
    private readonly ILogger<PartnerKeyGrants> _logger;
    private readonly string _prefix;
    private readonly TimeSpan _cacheFor;
    private bool _subscribed;

    public PartnerKeyGrants(IConnectionMultiplexer redis, IConfiguration configuration, IOptions<PartnerKeyOptions> options, TimeProvider time, ILogger<PartnerKeyGrants> logger)
    {
        _redis = redis;
        _time = time;
        _logger = logger;
        _prefix = PartnerKeys.RedisPrefix(configuration);
        _cacheFor = options.Value.CacheFor;
    }

    public async Task<PartnerKeyGrant?> FindAsync(string secretHash)
    {
        var now = _time.GetTimestamp();
        if (_cache.TryGetValue(secretHash, out var cached) && _time.GetElapsedTime(cached.CachedAt, now) < _cacheFor)
        {
            return cached.Grant;
        }

        var fields = await _redis.GetDatabase().HashGetAllAsync(PartnerKeys.GrantKey(_prefix, secretHash));
        if (Read(fields) is not { } grant)
        {
            _cache.TryRemove(secretHash, out _);
            return null;
        }

        _cache[secretHash] = (grant, now);
        return grant;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _redis.ConnectionRestored += (_, _) =>
        {
            _cache.Clear();
            // Errors are logged inside; the next restoration tries again.
            _ = SubscribeAsync();
        };
        await SubscribeAsync();
    }

    /// <summary>
    /// Listens for revocations. Start-up does not wait for Redis: without it the subscription is made when the
    /// connection is restored, and until then grants live at most <see cref="PartnerKeyOptions.CacheFor"/>.
    /// </summary>
    private async Task SubscribeAsync()
    {
        if (Volatile.Read(ref _subscribed))
        {
            return;
        }

        try
        {
            var channel = RedisChannel.Literal(PartnerKeys.RevokedChannel(_prefix));
            await _redis.GetSubscriber().SubscribeAsync(channel, (_, hash) => Forget(hash.ToString()));
            Volatile.Write(ref _subscribed, true);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogNotSubscribed(_logger, exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Forget(string secretHash)
    {
        if (_cache.TryRemove(secretHash, out var removed))
        {
            LogRevoked(_logger, removed.Grant.KeyId);
        }
    }

    private static PartnerKeyGrant? Read(HashEntry[] fields)
    {
        if (fields.Length == 0)
        {
            return null;
        }

        var values = fields.ToDictionary(field => field.Name.ToString(), field => field.Value.ToString(), StringComparer.Ordinal);
        if (!values.TryGetValue(PartnerKeys.TenantField, out var tenant) || !values.TryGetValue(PartnerKeys.KeyIdField, out var keyId))
        {
            return null;
        }

        DateTimeOffset? expiresAt = values.TryGetValue(PartnerKeys.ExpiresAtField, out var expiry)
            && long.TryParse(expiry, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milliseconds)
                ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
                : null;
        return new PartnerKeyGrant(keyId, tenant, values.GetValueOrDefault(PartnerKeys.ScopesField, ""), expiresAt);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not listen for API key revocations yet; grants are trusted from memory for their cache time only")]
    private static partial void LogNotSubscribed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {ApiKeyId} was revoked or rotated; forgotten")]
    private static partial void LogRevoked(ILogger logger, string apiKeyId);
}
