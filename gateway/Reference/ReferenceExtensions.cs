using System.Text.Json.Nodes;
using CrmCloud.Gateway.Routing;
using Microsoft.AspNetCore.Http.HttpResults;
using Scalar.AspNetCore;

namespace CrmCloud.Gateway.Reference;

/// <summary>
/// The API reference: each service's OpenAPI document, served by the gateway at
/// <c>/openapi/{area}.json</c>, and an interactive page at <c>/docs</c> listing them all. Both are anonymous.
/// </summary>
public static partial class ReferenceExtensions
{
    public const string DocsPath = "/docs";

    private const string Tag = "Reference";
    private const string DocumentsClient = "openapi-documents";

    /// <summary>Where each service publishes its own document (ServiceDefaults maps it).</summary>
    private const string ServiceDocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddApiReference(this IServiceCollection services)
    {
        // ServiceDefaults gives the client service discovery (http://contacts) and the standard resilience
        // handler: a service that is down answers after its retries, in a few seconds.
        services.AddHttpClient(DocumentsClient);
        return services;
    }

    public static WebApplication MapApiReference(this WebApplication app)
    {
        foreach (var area in ServiceAreas.All)
        {
            app.MapGet(DocumentPath(area), (HttpContext context, IHttpClientFactory clients, ILoggerFactory loggers) =>
                    GetDocumentAsync(area, context, clients, loggers.CreateLogger(typeof(ReferenceExtensions))))
                .AllowAnonymous()
                .WithName($"Get{char.ToUpperInvariant(area.Name[0])}{area.Name[1..]}OpenApiDocument")
                .WithSummary($"The OpenAPI document of the {area.Name} service")
                .WithDescription($"The document the {area.Name} service publishes, with the gateway as its server.")
                .WithTags(Tag)
                .Produces<JsonObject>(contentType: "application/json")
                .ProducesProblem(StatusCodes.Status502BadGateway);
        }

        app.MapScalarApiReference(DocsPath, options =>
            {
                // Everything the page needs comes from the gateway: its script is served from the package,
                // and nothing is fetched from or reported to third parties (CDN fonts, telemetry, AI agent, MCP).
                options.WithTitle("CrmCloud API reference")
                    .DisableDefaultFonts()
                    .DisableTelemetry()
                    .DisableAgent()
                    .DisableMcp();
                foreach (var area in ServiceAreas.All)
                {
                    options.AddDocument(area.Name, Title(area), DocumentPath(area), isDefault: area == ServiceAreas.All[0]);
                }
            })
            // A group of endpoints (the page and its local script assets): endpoint names would not be unique.
            .AllowAnonymous()
            .WithSummary("The interactive API reference of every service")
            .WithTags(Tag);
        return app;
    }

    private static string DocumentPath(ServiceArea area) => $"/openapi/{area.Name}.json";

    private static string Title(ServiceArea area) => $"{char.ToUpperInvariant(area.Name[0])}{area.Name[1..]}";

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetDocumentAsync(
        ServiceArea area, HttpContext context, IHttpClientFactory clients, ILogger logger)
    {
        JsonNode? document;
        try
        {
            using var client = clients.CreateClient(DocumentsClient);
            using var response = await client.GetAsync(new Uri(area.ServiceAddress, ServiceDocumentPath), context.RequestAborted);
            if (!response.IsSuccessStatusCode)
            {
                LogDocumentRefused(logger, area.Name, (int)response.StatusCode);
                return Unavailable(area);
            }

            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            document = await JsonNode.ParseAsync(body, cancellationToken: context.RequestAborted);
        }
        catch (Exception exception) when (exception is HttpRequestException or System.Text.Json.JsonException or TimeoutException)
        {
            LogDocumentUnavailable(logger, area.Name, exception);
            return Unavailable(area);
        }

        if (document is not JsonObject root)
        {
            return Unavailable(area);
        }

        // Callers reach every service through the gateway: the document names the gateway as its server.
        var request = context.Request;
        root["servers"] = new JsonArray(new JsonObject { ["url"] = $"{request.Scheme}://{request.Host}{request.PathBase}" });
        return TypedResults.Content(root.ToJsonString(), "application/json");
    }

    private static ProblemHttpResult Unavailable(ServiceArea area) => TypedResults.Problem(
        statusCode: StatusCodes.Status502BadGateway,
        title: $"The {area.Name} reference is unavailable.",
        detail: $"The gateway could not fetch the OpenAPI document of the {area.Name} service. Try again shortly.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Area} service answered {StatusCode} for its OpenAPI document")]
    private static partial void LogDocumentRefused(ILogger logger, string area, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OpenAPI document of the {Area} service could not be fetched")]
    private static partial void LogDocumentUnavailable(ILogger logger, string area, Exception exception);
}
