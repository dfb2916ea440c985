using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CrmCloud.Gateway.Customers;

/// <summary>
/// Complete 360s in Redis, shared by every gateway instance: one hash per tenant and person, a field per scope set (a
/// caller with fewer scopes never reads what one with more was shown), living <see cref="CustomerViewOptions.CacheFor"/>
/// from its first field. The person's events delete the hash. Redis trouble only costs the cache: the 360 is composed.
/// </summary>
public sealed partial class CustomerViewCache(
    IConnectionMultiplexer redis,
    IOptions<CustomerViewOptions> options,
    IOptions<JsonOptions> json,
    ILogger<CustomerViewCache> logger)
{
    public async Task<CustomerView?> FindAsync(string tenant, Guid personId, string scopes)
    {
        try
        {
            var cached = await redis.GetDatabase().HashGetAsync(Key(tenant, personId), scopes);
            return cached.IsNull ? null : JsonSerializer.Deserialize<CustomerView>(cached.ToString(), json.Value.SerializerOptions);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogCacheUnavailable(logger, exception);
            return null;
        }
    }

    public async Task KeepAsync(string tenant, Guid personId, string scopes, CustomerView view)
    {
        var key = Key(tenant, personId);
        try
        {
            var transaction = redis.GetDatabase().CreateTransaction();
            _ = transaction.HashSetAsync(key, scopes, JsonSerializer.Serialize(view, json.Value.SerializerOptions));
            // The first field starts the clock; later ones do not extend the life of the earlier.
            _ = transaction.KeyExpireAsync(key, options.Value.CacheFor, ExpireWhen.HasNoExpiry);
            await transaction.ExecuteAsync();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogCacheUnavailable(logger, exception);
        }
    }

    /// <summary>
    /// Forgets every 360 of the person. A 360 being composed while the event arrives may still be kept with the older
    /// state; it lives <see cref="CustomerViewOptions.CacheFor"/> at most.
    /// </summary>
    public Task ForgetAsync(string tenant, Guid personId) => redis.GetDatabase().KeyDeleteAsync(Key(tenant, personId));

    private RedisKey Key(string tenant, Guid personId) => $"{options.Value.KeyPrefix}{tenant}:{personId}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "The customer 360 cache in Redis did not answer; the 360 is composed without it")]
    private static partial void LogCacheUnavailable(ILogger logger, Exception exception);
}
