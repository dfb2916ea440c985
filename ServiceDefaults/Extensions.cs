using System.Text.Json;
using System.Text.Json.Serialization;
using CrmCloud.ServiceDefaults.Problems;
using CrmCloud.ServiceDefaults.Security;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CrmCloud.ServiceDefaults;

/// <summary>
/// What every CrmCloud process shares, in one call: telemetry, health, service discovery,
/// resilience, problem details, JSON conventions, authentication and tenancy.
/// </summary>
public static class Extensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>The largest request body accepted unless an endpoint says otherwise.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddCrmTelemetry();

        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCrmProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(options => Configure(options.SerializerOptions));
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.AddCrmOpenApi();

        builder.AddCrmAuthentication();
        builder.Services.AddTenancy();
        return builder;
    }

    /// <summary>The JSON conventions of api.md: camelCase, enums as lower-case strings, absent rather than null.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.Converters.Add(new UtcTimestampConverter());
        options.Converters.Add(new StorableTextConverter());
        options.Converters.Add(new StorableJsonConverter());
        return options;
    }

    /// <summary>The request pipeline every process shares, then health and the OpenAPI document.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseCrmProblemDetails();
        app.UseRequestBodyLimit(MaxRequestBodyBytes);
        app.UseStorableQuery();
        app.UseAuthentication();
        app.UseTenancy();
        app.UseAuthorization();

        // Health endpoints are always on: orchestrators probe them in every environment.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) })
            .AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        return app;
    }
}
