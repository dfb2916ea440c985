using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CrmCloud.ServiceDefaults;

public static class Telemetry
{
    /// <summary>The MassTransit activity source and meter name.</summary>
    private const string MassTransitSource = "MassTransit";

    /// <summary>
    /// Traces, metrics and logs through OpenTelemetry, exported over OTLP when the orchestrator names an endpoint
    /// (OTEL_EXPORTER_OTLP_ENDPOINT), as Aspire does for its dashboard. Without one nothing would leave the process:
    /// no span, measurement or log record is made then, since making them costs CPU on every request and message.
    /// </summary>
    public static IHostApplicationBuilder AddCrmTelemetry(this IHostApplicationBuilder builder)
    {
        // Every outbox poll runs a command: logged at information, they would drown everything else.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        // Request logs name URLs, which may carry personal data in query strings; traces keep the timings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(MassTransitSource))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(MassTransitSource)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !IsHealthProbe(context))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .UseOtlpExporter();
        return builder;
    }

    private static bool IsHealthProbe(HttpContext context) => context.Request.Path.StartsWithSegments("/health");
}
