using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace CrmCloud.ServiceDefaults.Security;

/// <summary>
/// What the integrations service (which owns partner API keys) and the gateway (which accepts them) agree on:
/// how a secret is hashed, and where in Redis a key's grant lives. A grant is a Redis hash under
/// <c>{prefix}key:{sha256 of the secret}</c> with <see cref="TenantField"/>, <see cref="ScopesField"/>,
/// <see cref="KeyIdField"/> and, for a key that expires, <see cref="ExpiresAtField"/> (Unix milliseconds).
/// When a secret stops being valid its hash is published on <c>{prefix}revoked</c>, so every gateway
/// drops it from memory at once.
/// </summary>
public static class PartnerKeys
{
    public const string Section = "ApiKeys";
    public const string DefaultRedisPrefix = "crm:apikeys:";

    public const string TenantField = "tenant";
    public const string ScopesField = "scopes";
    public const string KeyIdField = "keyId";
    public const string ExpiresAtField = "expiresAt";

    /// <summary>The prefix of every Redis key and channel (<c>ApiKeys:RedisPrefix</c>); tests give each run its own.</summary>
    public static string RedisPrefix(IConfiguration configuration) =>
        configuration[$"{Section}:RedisPrefix"] is { Length: > 0 } prefix ? prefix : DefaultRedisPrefix;

    public static string GrantKey(string prefix, string secretHash) => $"{prefix}key:{secretHash}";

    public static string RevokedChannel(string prefix) => $"{prefix}revoked";

    /// <summary>Lower-case hex SHA-256 of the secret: the secret has 256 bits of randomness, so no slow hash is needed.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
