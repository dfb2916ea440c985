using System.Security.Claims;
using CrmCloud.ServiceDefaults.Security;

namespace CrmCloud.Gateway.Credentials;

/// <summary>
/// What a partner API key lets its holder do, as the integrations service wrote it to Redis: the tenant, the scopes,
/// the key's id and expiry. Kept in the gateway's memory for a short while, with the caller it makes and the
/// internal token that carries it to the services.
/// </summary>
internal sealed class PartnerKeyGrant
{
    private readonly Lock _tokenLock = new();
    private (string Token, DateTimeOffset MintedAt)? _internalToken;

    public PartnerKeyGrant(string keyId, string tenant, string scopes, DateTimeOffset? expiresAt)
    {
        KeyId = keyId;
        Tenant = tenant;
        Scopes = scopes;
        ExpiresAt = expiresAt;
        Caller = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(CrmClaims.Subject, $"api-key:{keyId}"),
                new Claim(CrmClaims.Tenant, tenant),
                new Claim(CrmClaims.Scope, scopes),
                new Claim(CrmClaims.ApiKeyId, keyId),
            ],
            PartnerKeyAuthentication.SchemeName,
            CrmClaims.Subject,
            CrmClaims.Roles));
    }

    public string KeyId { get; }

    public string Tenant { get; }

    public string Scopes { get; }

    public DateTimeOffset? ExpiresAt { get; }

    public ClaimsPrincipal Caller { get; }

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt <= now;

    /// <summary>The internal token for this key, minted again once it is <paramref name="reuseFor"/> old, so most requests sign nothing.</summary>
    public string InternalToken(DateTimeOffset now, TimeSpan reuseFor, Func<PartnerKeyGrant, string> mint)
    {
        lock (_tokenLock)
        {
            if (_internalToken is not { } current || now - current.MintedAt >= reuseFor)
            {
                current = (mint(this), now);
                _internalToken = current;
            }

            return current.Token;
        }
    }
}
