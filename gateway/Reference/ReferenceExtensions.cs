using System.Text.Json.Nodes;
using CrmCloud.Gateway.Routing;
using Microsoft.AspNetCore.Http.HttpResults;
using Scalar.AspNetCore;

namespace CrmCloud.Gateway.Reference;

/// <summary>
/// The API reference: the merged OpenAPI document of every service at <c>/openapi/v1.json</c>, each service's own
/// at <c>/openapi/{area}.json</c>, and an interactive page at <c>/docs</c> showing them. All are anonymous.
/// </summary>
public static class ReferenceExtensions
{
    public const string DocsPath = "/docs";
    public const string MergedDocumentPath = "/openapi/v1.json";

    /// <summary>The header naming the areas the merged document lacks because their service did not answer.</summary>
    public const string UnavailableAreasHeader = "X-Unavailable-Areas";

    private const string Tag = "Reference";

    public static IServiceCollection AddApiReference(this IServiceCollection services)
    {
        // ServiceDefaults gives the client service discovery (http://contacts) and the standard resilience handler.
        services.AddHttpClient(ServiceDocuments.ClientName);
        services.AddMemoryCache();
        services.AddSingleton<ServiceDocuments>();
        return services;
    }

    public static WebApplication MapApiReference(this WebApplication app)
    {
        // A literal route: it wins over the gateway's own document, which ServiceDefaults maps at /openapi/{documentName}.json.
        app.MapGet(MergedDocumentPath, GetMergedDocumentAsync)
            .AllowAnonymous()
            .WithName("GetMergedOpenApiDocument")
            .WithSummary("The OpenAPI document of the whole API")
            .WithDescription("Every service's paths as the gateway exposes them, with their schemas and both security schemes. "
                + $"When a service does not answer, its area is missing and named in the `{UnavailableAreasHeader}` header "
                + $"and the `{MergedDocument.UnavailableAreasExtension}` extension.")
            .WithTags(Tag)
            .Produces<JsonObject>(contentType: "application/json");

        foreach (var area in ServiceAreas.All)
        {
            app.MapGet(DocumentPath(area), (HttpContext context, ServiceDocuments documents) => GetDocumentAsync(area, context, documents))
                .AllowAnonymous()
                .WithName($"Get{MergedDocument.Title(area)}OpenApiDocument")
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
                options.AddDocument("v1", "CrmCloud API", MergedDocumentPath, isDefault: true);
                foreach (var area in ServiceAreas.All)
                {
                    options.AddDocument(area.Name, MergedDocument.Title(area), DocumentPath(area));
                }
            })
            // A group of endpoints (the page and its local script assets): endpoint names would not be unique.
            .AllowAnonymous()
            .WithSummary("The interactive API reference")
            .WithTags(Tag);
        return app;
    }

    private static string DocumentPath(ServiceArea area) => $"/openapi/{area.Name}.json";

    private static async Task<ContentHttpResult> GetMergedDocumentAsync(HttpContext context, ServiceDocuments documents)
    {
        var merged = await documents.MergedAsync(context.RequestAborted);
        if (merged.Unavailable.Count > 0)
        {
            context.Response.Headers[UnavailableAreasHeader] = string.Join(", ", merged.Unavailable.Select(area => area.Name));
        }

        var document = (JsonObject)merged.Document.DeepClone();
        return TypedResults.Content(WithGatewayAsServer(document, context.Request).ToJsonString(), "application/json");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetDocumentAsync(ServiceArea area, HttpContext context, ServiceDocuments documents)
    {
        if (await documents.FetchAsync(area, context.RequestAborted) is not { } document)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status502BadGateway,
                title: $"The {area.Name} reference is unavailable.",
                detail: $"The gateway could not fetch the OpenAPI document of the {area.Name} service. Try again shortly.");
        }

        return TypedResults.Content(WithGatewayAsServer(document, context.Request).ToJsonString(), "application/json");
    }

    /// <summary>Callers reach every service through the gateway: the document names the gateway as its server.</summary>
    private static JsonObject WithGatewayAsServer(JsonObject document, HttpRequest request)
    {
        document["servers"] = new JsonArray(new JsonObject { ["url"] = $"{request.Scheme}://{request.Host}{request.PathBase}" });
        return document;
    }
}
