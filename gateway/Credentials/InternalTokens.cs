using CrmCloud.ServiceDefaults.Security;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Yarp.ReverseProxy.Transforms;

namespace CrmCloud.Gateway.Credentials;

/// <summary>
/// A request made with an API key reaches its service with a short-lived token the gateway signs (issuer
/// <see cref="CrmAuthenticationOptions.GatewayIssuer"/>) carrying the tenant, the key's scopes and <c>api_key_id</c>, so
/// services check scopes exactly as for a person's token and never see the partner's secret.
/// </summary>
internal sealed class InternalTokens(IConfiguration configuration, IOptions<PartnerKeyOptions> options, TimeProvider time)
{
    private readonly SigningCredentials _signing = new(
        DevelopmentTokens.SecurityKey(AuthenticationExtensions.ReadOptions(configuration).EffectiveInternalSigningKey
            ?? throw new InvalidOperationException("Set Authentication:InternalSigningKey: the gateway signs the tokens of API key requests with it.")),
        SecurityAlgorithms.HmacSha256);

    private readonly string _audience = AuthenticationExtensions.ReadOptions(configuration).Audience;
    private readonly JsonWebTokenHandler _handler = new();

    public string For(PartnerKeyGrant grant)
    {
        var lifetime = options.Value.InternalTokenLifetime;
        // Reused for half its life, so a token always outlives the request it is sent with.
        return grant.InternalToken(time.GetUtcNow(), lifetime / 2, Mint);
    }

    /// <summary>Replaces the partner's credentials with the internal token on the way to the service.</summary>
    public void Apply(RequestTransformContext context)
    {
        if (context.HttpContext.Features.Get<PartnerKeyGrant>() is not { } grant)
        {
            return;
        }

        RequestTransform.RemoveHeader(context, PartnerKeyAuthentication.KeyHeader);
        RequestTransform.RemoveHeader(context, "Authorization");
        RequestTransform.AddHeader(context, "Authorization", $"Bearer {For(grant)}");
    }

    private string Mint(PartnerKeyGrant grant)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = CrmAuthenticationOptions.GatewayIssuer,
            Audience = _audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.InternalTokenLifetime,
            Claims = new Dictionary<string, object>
            {
                [CrmClaims.Subject] = $"api-key:{grant.KeyId}",
                [CrmClaims.Tenant] = grant.Tenant,
                [CrmClaims.Scope] = grant.Scopes,
                [CrmClaims.ApiKeyId] = grant.KeyId,
            },
            SigningCredentials = _signing,
        });
    }
}
