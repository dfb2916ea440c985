using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace CrmCloud.ServiceDefaults.Security;

public static class AuthenticationExtensions
{
    /// <summary>The policy of what only a tenant administrator may do: a person's token with the <c>admin</c> role.</summary>
    public const string TenantAdminPolicy = "tenant-admin";

    /// <summary>
    /// JWT bearer authentication validated in full (issuer, audience, lifetime, signature) and one
    /// authorization policy per scope. The gateway and every service call it, so a service reached
    /// around the gateway still refuses a stranger.
    /// </summary>
    public static IHostApplicationBuilder AddCrmAuthentication(this IHostApplicationBuilder builder)
    {
        var options = ReadOptions(builder.Configuration);
        if (options.Authority is null && options.DevelopmentSigningKey is null)
        {
            throw new InvalidOperationException(
                "Authentication is not configured: set Authentication:Authority (an OIDC issuer) or, for development, Authentication:DevelopmentSigningKey.");
        }

        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.Audience = options.Audience;
                jwt.TokenValidationParameters.ValidAudience = options.Audience;
                jwt.TokenValidationParameters.NameClaimType = CrmClaims.Subject;
                jwt.TokenValidationParameters.RoleClaimType = CrmClaims.Roles;
                jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
                // The gateway's internal tokens (requests made with a partner API key) are accepted beside the
                // identity provider's: JwtBearer adds the authority's issuer and keys to these at run time.
                List<string> issuers = [];
                List<SecurityKey> keys = [];
                if (options.EffectiveInternalSigningKey is { } internalKey)
                {
                    issuers.Add(CrmAuthenticationOptions.GatewayIssuer);
                    keys.Add(DevelopmentTokens.SecurityKey(internalKey));
                }

                if (options.Authority is not null)
                {
                    jwt.Authority = options.Authority;
                    jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
                }
                else
                {
                    issuers.Add(CrmAuthenticationOptions.DevelopmentIssuer);
                    keys.Add(DevelopmentTokens.SecurityKey(options.DevelopmentSigningKey!));
                    jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }

                jwt.TokenValidationParameters.ValidIssuers = issuers;
                jwt.TokenValidationParameters.IssuerSigningKeys = keys;
            });

        builder.Services.AddAuthorization(authorization =>
        {
            foreach (var scope in Scopes.All)
            {
                authorization.AddPolicy(scope, policy => policy
                    .RequireAuthenticatedUser()
                    .RequireClaim(CrmClaims.Tenant)
                    .RequireAssertion(context => HasScope(context.User, scope)));
            }

            authorization.AddPolicy(TenantAdminPolicy, policy => policy
                .RequireAuthenticatedUser()
                .RequireClaim(CrmClaims.Tenant)
                .RequireRole(CrmRoles.Admin));
        });
        return builder;
    }

    public static CrmAuthenticationOptions ReadOptions(IConfiguration configuration) =>
        configuration.GetSection(CrmAuthenticationOptions.Section).Get<CrmAuthenticationOptions>() ?? new CrmAuthenticationOptions();

    /// <summary>Requires a tenant administrator (<see cref="TenantAdminPolicy"/>).</summary>
    public static TBuilder RequireTenantAdmin<TBuilder>(this TBuilder endpoints)
        where TBuilder : IEndpointConventionBuilder => endpoints.RequireAuthorization(TenantAdminPolicy);

    /// <summary>Requires the caller's token to carry <paramref name="scope"/>.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder endpoints, string scope)
        where TBuilder : IEndpointConventionBuilder => endpoints.RequireAuthorization(scope);

    private static bool HasScope(System.Security.Claims.ClaimsPrincipal user, string scope) =>
        ScopesOf(user).Contains(scope, StringComparer.Ordinal);

    /// <summary>The scopes the caller's token grants (space-separated, in one claim or several).</summary>
    public static IEnumerable<string> ScopesOf(System.Security.Claims.ClaimsPrincipal user) =>
        user.FindAll(CrmClaims.Scope).SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
