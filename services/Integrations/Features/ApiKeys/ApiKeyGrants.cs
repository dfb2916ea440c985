using System.Globalization;
using CrmCloud.ServiceDefaults.Security;
using StackExchange.Redis;

namespace CrmCloud.Integrations.Features.ApiKeys;

/// <summary>
/// The keys' grants in Redis, where every gateway instance looks a secret up (layout in <see cref="PartnerKeys"/>).
/// The database is the record; Redis holds what the gateway must know to let a request through, and
/// <see cref="ApiKeyGrantsRebuild"/> writes it all again when Redis has lost it.
/// </summary>
public sealed class ApiKeyGrants(IConnectionMultiplexer redis, IConfiguration configuration)
{
    /// <summary>
    /// How long a withdrawn secret is remembered, so that a rebuild that read the key as active just before it was
    /// revoked cannot grant it again: longer than any rebuild takes.
    /// </summary>
    private static readonly TimeSpan WithdrawnFor = TimeSpan.FromMinutes(10);

    private readonly string _prefix = PartnerKeys.RedisPrefix(configuration);

    /// <summary>Set once every active key's grant is in Redis; its absence means Redis lost them (a flush, a restart without persistence).</summary>
    private RedisKey CompleteMarker => $"{_prefix}grants-complete";

    /// <summary>Makes the key's current secret usable; the grant leaves Redis by itself when the key expires.</summary>
    public Task GrantAsync(ApiKey key) => GrantAsync(key, unlessWithdrawn: false);

    /// <summary>Whether Redis holds every active key's grant, as far as it says.</summary>
    public async Task<bool> AreCompleteAsync() => await redis.GetDatabase().KeyExistsAsync(CompleteMarker);

    /// <summary>
    /// Writes the grants of <paramref name="activeKeys"/> again, skipping a secret withdrawn since they were read. The
    /// marker goes first: Redis losing everything again while this runs removes it too, and the next check starts over.
    /// </summary>
    public async Task RebuildAsync(IReadOnlyList<ApiKey> activeKeys)
    {
        await redis.GetDatabase().StringSetAsync(CompleteMarker, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        foreach (var key in activeKeys)
        {
            await GrantAsync(key, unlessWithdrawn: true);
        }
    }

    private async Task GrantAsync(ApiKey key, bool unlessWithdrawn)
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
        if (unlessWithdrawn)
        {
            transaction.AddCondition(Condition.KeyNotExists(WithdrawnKey(key.SecretHash)));
        }

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
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = transaction.KeyDeleteAsync(PartnerKeys.GrantKey(_prefix, secretHash));
        _ = transaction.StringSetAsync(WithdrawnKey(secretHash), 1, WithdrawnFor);
        await transaction.ExecuteAsync();
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(PartnerKeys.RevokedChannel(_prefix)), secretHash);
    }

    private RedisKey WithdrawnKey(string secretHash) => $"{_prefix}withdrawn:{secretHash}";
}

public static class ApiKeyServices
{
    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddOptions<ApiKeyGrantsOptions>().BindConfiguration(PartnerKeys.Section);
        services.AddSingleton<ApiKeyGrants>();
        services.AddHostedService<ApiKeyGrantsRebuild>();
        return services;
    }
}
