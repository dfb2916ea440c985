using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace CrmCloud.Gateway.Credentials;

public static partial class CredentialsExtensions
{
    /// <summary>Picks the handler for each request: the API key one when a key is presented, JWT bearer otherwise.</summary>
    private const string CallerScheme = "caller";

    /// <summary>
    /// Partner API keys beside the identity provider's bearer tokens (ServiceDefaults): looked up through Redis,
    /// remembered briefly in memory, and exchanged for an internal token on the way to the services.
    /// </summary>
    public static IHostApplicationBuilder AddPartnerCredentials(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PartnerKeyOptions>().BindConfiguration(PartnerKeyOptions.Section);
        builder.Services.AddSingleton<PartnerKeyGrants>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PartnerKeyGrants>());
        builder.Services.AddSingleton<InternalTokens>();
        builder.Services
            .AddAuthentication(options =>
            {
                options.DefaultScheme = CallerScheme;
                options.DefaultChallengeScheme = CallerScheme;
            })
            .AddPolicyScheme(CallerScheme, "A person's bearer token or a partner's API key", policy => policy.ForwardDefaultSelector = context =>
                PartnerKeyAuthentication.Presents(context.Request) ? PartnerKeyAuthentication.SchemeName : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, PartnerKeyAuthentication>(PartnerKeyAuthentication.SchemeName, configureOptions: null);
        return builder;
    }

    /// <summary>
    /// A proxy step that puts the API key a request was made with into the scope of every log line written for it,
    /// so an audit of the gateway's logs finds each partner request by key.
    /// </summary>
    public static IApplicationBuilder UseKeyAttribution(this IApplicationBuilder proxy)
    {
        var logger = proxy.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("CrmCloud.Gateway.Credentials.Attribution");
        return proxy.Use(async (context, next) =>
        {
            if (context.Features.Get<PartnerKeyGrant>() is not { } grant)
            {
                await next(context);
                return;
            }

            using (logger.BeginScope(new Dictionary<string, object> { ["ApiKeyId"] = grant.KeyId, ["TenantId"] = grant.Tenant }))
            {
                LogKeyRequest(logger, grant.KeyId, context.Request.Method, context.Request.Path);
                await next(context);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {ApiKeyId}: {Method} {Path}")]
    private static partial void LogKeyRequest(ILogger logger, string apiKeyId, string method, PathString path);
}
