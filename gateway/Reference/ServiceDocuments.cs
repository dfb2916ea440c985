using System.Text.Json.Nodes;
using CrmCloud.Gateway.Routing;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.OpenApi;

namespace CrmCloud.Gateway.Reference;

/// <summary>The merged document and the areas it lacks because their service did not answer.</summary>
public sealed record MergedReference(JsonObject Document, IReadOnlyList<ServiceArea> Unavailable);

/// <summary>
/// Fetches the services' OpenAPI documents. The merged one is kept in memory for a minute (a few seconds while an area
/// is missing, so it comes back soon after its service does): the page and its callers do not ask every service each time.
/// </summary>
public sealed partial class ServiceDocuments(
    IHttpClientFactory clients,
    IMemoryCache cache,
    [FromKeyedServices(ServiceDocuments.GatewayDocumentName)] IOpenApiDocumentProvider gatewayDocument,
    ILogger<ServiceDocuments> logger)
{
    /// <summary>The gateway's own document, as ServiceDefaults names every process's.</summary>
    public const string GatewayDocumentName = "v1";

    /// <summary>What the gateway serves itself rather than routes (the customer 360): its paths join the services' in the merged document.</summary>
    public static readonly ServiceArea GatewayArea = new("gateway", ["customers/{personId}/360"]);

    public const string ClientName = "openapi-documents";

    /// <summary>Where each service publishes its own document (ServiceDefaults maps it).</summary>
    private const string ServiceDocumentPath = "/openapi/v1.json";

    private static readonly TimeSpan CompleteLifetime = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan PartialLifetime = TimeSpan.FromSeconds(5);

    /// <summary>How long the merged document waits for one service: a hung one must not hold the others' reference up.</summary>
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);

    private static readonly object MergedKey = new();

    /// <summary>The document <paramref name="area"/>'s service publishes, or null when it cannot be had.</summary>
    public async Task<JsonObject?> FetchAsync(ServiceArea area, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FetchTimeout);
        try
        {
            using var client = clients.CreateClient(ClientName);
            using var response = await client.GetAsync(new Uri(area.ServiceAddress, ServiceDocumentPath), timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogDocumentRefused(logger, area.Name, (int)response.StatusCode);
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            return await JsonNode.ParseAsync(body, cancellationToken: timeout.Token) as JsonObject;
        }
        catch (Exception exception) when (exception is HttpRequestException or System.Text.Json.JsonException or TimeoutException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogDocumentUnavailable(logger, area.Name, exception);
            return null;
        }
    }

    /// <summary>The merged document of every area whose service answered, from memory while it is fresh.</summary>
    public async Task<MergedReference> MergedAsync(CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(MergedKey, out MergedReference? cached) && cached is not null)
        {
            return cached;
        }

        var fetched = await Task.WhenAll(ServiceAreas.All.Select(async area => (Area: area, Document: await FetchAsync(area, cancellationToken))));
        var unavailable = fetched.Where(source => source.Document is null).Select(source => source.Area).ToList();
        var merged = new MergedReference(
            MergedDocument.Merge(
                [
                    .. fetched.Where(source => source.Document is not null).Select(source => new AreaDocument(source.Area, source.Document!)),
                    new AreaDocument(GatewayArea, await OwnDocumentAsync(cancellationToken)),
                ],
                unavailable),
            unavailable);
        cache.Set(MergedKey, merged, unavailable.Count == 0 ? CompleteLifetime : PartialLifetime);
        return merged;
    }

    /// <summary>The gateway's own document, generated in-process (its URL serves the merged one).</summary>
    private async Task<JsonObject> OwnDocumentAsync(CancellationToken cancellationToken)
    {
        var document = await gatewayDocument.GetOpenApiDocumentAsync(cancellationToken);
        var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken);
        var own = JsonNode.Parse(json)!.AsObject();
        GiveArraysItems(own);
        return own;
    }

    /// <summary>
    /// The 360's sections are the services' items as they answered (JSON of any shape), for which the generator writes
    /// an array without <c>items</c>; OpenAPI wants one, so it says "anything".
    /// </summary>
    private static void GiveArraysItems(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject schema:
                var isArray = schema["type"] switch
                {
                    JsonValue type => type.TryGetValue<string>(out var kind) && kind == "array",
                    JsonArray types => types.Any(type => type is JsonValue value && value.TryGetValue<string>(out var kind) && kind == "array"),
                    _ => false,
                };
                if (isArray && !schema.ContainsKey("items"))
                {
                    schema["items"] = new JsonObject();
                }

                foreach (var (_, child) in schema.ToList())
                {
                    GiveArraysItems(child);
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    GiveArraysItems(item);
                }

                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Area} service answered {StatusCode} for its OpenAPI document")]
    private static partial void LogDocumentRefused(ILogger logger, string area, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OpenAPI document of the {Area} service could not be fetched")]
    private static partial void LogDocumentUnavailable(ILogger logger, string area, Exception exception);
}
