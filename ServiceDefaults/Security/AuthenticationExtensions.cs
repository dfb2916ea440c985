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
    /// <summary>
    /// JWT bearer authentication validated in full (issuer, audience, lifetime, signature) and one
    /// authorization policy per scope. The gateway and every service call it, so a service reached
    /// around the gateway still refuses a stranger.
    /// </summary>
    public static IHostApplicationBuilder AddCrmAuthentication(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(CrmAuthenticationOptions.Section).Get<CrmAuthenticationOptions>()
            ?? new CrmAuthenticationOptions();
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
                jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
                if (options.Authority is not null)
                {
                    jwt.Authority = options.Authority;
                }
                else
                {
                    jwt.TokenValidationParameters.ValidIssuer = CrmAuthenticationOptions.DevelopmentIssuer;
                    jwt.TokenValidationParameters.IssuerSigningKey = DevelopmentTokens.SecurityKey(options.DevelopmentSigningKey!);
                    jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
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
        });
        return builder;
    }

    /// <summary>Requires the caller's token to carry <paramref name="scope"/>.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder endpoints, string scope)
        where TBuilder : IEndpointConventionBuilder => endpoints.RequireAuthorization(scope);

    private static bool HasScope(System.Security.Claims.ClaimsPrincipal user, string scope) =>
        user.FindAll(CrmClaims.Scope)
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Contains(scope, StringComparer.Ordinal);
}
