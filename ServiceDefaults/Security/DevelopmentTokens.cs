using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrmCloud.ServiceDefaults.Security;

/// <summary>Issues and validates the bearer tokens used on a development machine and in tests.</summary>
public static class DevelopmentTokens
{
    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static SymmetricSecurityKey SecurityKey(string signingKey) => new(Convert.FromBase64String(signingKey));

    public static string Create(
        string signingKey,
        string tenant,
        IEnumerable<string>? scopes = null,
        string subject = "developer",
        TimeSpan? lifetime = null,
        string audience = CrmAuthenticationOptions.DefaultAudience,
        IEnumerable<string>? roles = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        var granted = scopes?.ToArray() is { Length: > 0 } named ? named : [.. Scopes.All];
        // A developer administers their own tenant unless told otherwise.
        var held = roles?.ToArray() ?? [CrmRoles.Admin];
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = CrmAuthenticationOptions.DevelopmentIssuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(12)),
            Subject = new ClaimsIdentity(
            [
                new Claim(CrmClaims.Subject, subject),
                new Claim(CrmClaims.Tenant, tenant),
                new Claim(CrmClaims.Scope, string.Join(' ', granted)),
                .. held.Select(role => new Claim(CrmClaims.Roles, role)),
            ]),
            SigningCredentials = new SigningCredentials(SecurityKey(signingKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
