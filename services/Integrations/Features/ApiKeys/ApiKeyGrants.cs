using System.Globalization;
using CrmCloud.ServiceDefaults.Security;
using StackExchange.Redis;

namespace CrmCloud.Integrations.Features.ApiKeys;

/// <summary>
/// The keys' grants in Redis, where every gateway instance looks a secret up (layout in <see cref="PartnerKeys"/>).
/// The database is the record; Redis holds what the gateway must know to let a request through.
/// </summary>
public sealed class ApiKeyGrants(IConnectionMultiplexer redis, IConfiguration configuration)
{
    private readonly string _prefix = PartnerKeys.RedisPrefix(configuration);

    /// <summary>Makes the key's current secret usable; the grant leaves Redis by itself when the key expires.</summary>
    public async Task GrantAsync(ApiKey key)
    {
        var database = redis.GetDatabase();
        var grantKey = PartnerKeys.GrantKey(_prefix, key.SecretHash);
        HashEntry[] fields =
        [
            new(PartnerKeys.TenantField, key.TenantId),
            new(PartnerKeys.ScopesField, string.Join(' ', key.Scopes)),
            new(PartnerKeys.KeyIdField, key.Id.ToString()),
            .. key.ExpiresAt is { } expiresAt
                ? [new HashEntry(PartnerKeys.ExpiresAtField, expiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture))]
                : Array.Empty<HashEntry>(),
        ];
        var transaction = database.CreateTransaction();
        _ = transaction.HashSetAsync(grantKey, fields);
        if (key.ExpiresAt is { } expiry)
        {
            _ = transaction.KeyExpireAsync(grantKey, expiry.UtcDateTime);
        }

        await transaction.ExecuteAsync();
    }

    /// <summary>
    /// Stops a secret: its grant leaves Redis and every gateway hears, on the revocation channel, to forget it.
    /// Called before the database records the change, so a failure leaves a key refused rather than one that still works.
    /// </summary>
    public async Task WithdrawAsync(string secretHash)
    {
        await redis.GetDatabase().KeyDeleteAsync(PartnerKeys.GrantKey(_prefix, secretHash));
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(PartnerKeys.RevokedChannel(_prefix)), secretHash);
    }
}

public static class ApiKeyServices
{
    public static IServiceCollection AddApiKeys(this IServiceCollection services) => services.AddSingleton<ApiKeyGrants>();
}
