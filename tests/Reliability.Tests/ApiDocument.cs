using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CrmCloud.Gateway.Reference;
using CrmCloud.Gateway.Routing;
using CrmCloud.ServiceDefaults.Security;
using CrmCloud.TestInfrastructure;

namespace CrmCloud.Reliability.Tests;

/// <summary>A parameter of an operation as the document describes it: where it goes and the schema of its value.</summary>
public sealed record Parameter(string Name, string In, JsonObject Schema)
{
    public bool IsPath => In == "path";

    public bool IsQuery => In == "query";

    public bool IsCursor => IsQuery && Name.Equals("cursor", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// One operation of the merged document: the gateway's path template, its parameters, the JSON schema of its body,
/// and what the gateway asks of a caller (nothing for a public operation, else a scope or the administrator role).
/// </summary>
public sealed record Operation(
    string Method,
    string Template,
    IReadOnlyList<Parameter> Parameters,
    IReadOnlyList<string> BodyContentTypes,
    JsonObject? BodySchema,
    bool IsPublic,
    string Area,
    string Requirement)
{
    public string Name => $"{Method} {Template}";

    public bool HasJsonBody => BodyContentTypes.Any(type => type.Contains("json", StringComparison.Ordinal));

    public bool IsRead => Method == "GET";

    public IEnumerable<Parameter> PathParameters => Parameters.Where(parameter => parameter.IsPath);

    public IEnumerable<Parameter> QueryParameters => Parameters.Where(parameter => parameter.IsQuery);

    /// <summary>A collection read: <c>GET /api/v1/{resource}</c> without path parameters, answered with a page or a list.</summary>
    public bool IsList => IsRead && !PathParameters.Any();

    /// <summary>The administrator role rather than a scope, as the gateway's route table says.</summary>
    public bool NeedsAdministrator => Requirement == AuthenticationExtensions.TenantAdminPolicy;

    /// <summary>The template with each path parameter replaced by the value <paramref name="valueOf"/> gives.</summary>
    public string Fill(Func<Parameter, string> valueOf) =>
        PathParameters.Aggregate(Template, (path, parameter) => path.Replace($"{{{parameter.Name}}}", valueOf(parameter), StringComparison.Ordinal));
}

/// <summary>The gateway's merged OpenAPI document, read as a list of operations with their schemas resolved.</summary>
public sealed class ApiDocument
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    /// <summary>Operations the gateway answers itself, with the scope it asks for them (gateway/Customers).</summary>
    private static readonly IReadOnlyDictionary<string, string> GatewayOwned = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/api/v1/customers/{personId}/360"] = Scopes.Read("contacts"),
    };

    private readonly JsonObject _schemas;

    private ApiDocument(JsonObject document)
    {
        _schemas = document["components"]?["schemas"]?.AsObject() ?? [];
        var operations = new List<Operation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods)
            {
                if (item![method] is JsonObject operation)
                {
                    operations.Add(Read(template, method.ToUpperInvariant(), operation));
                }
            }
        }

        Operations = operations;
    }

    public IReadOnlyList<Operation> Operations { get; }

    /// <summary>The whole document: the gateway leaves out an area whose service did not answer yet, so that is waited for.</summary>
    public static async Task<ApiDocument> ReadAsync(HttpClient client, CancellationToken cancellationToken) =>
        new(await Eventually.Until(
            async () => await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json", cancellationToken) is { } document
                        && !document.ContainsKey(MergedDocument.UnavailableAreasExtension) ? document : null,
            TimeSpan.FromSeconds(90),
            "the merged document to hold every area"));

    /// <summary>A schema with its <c>$ref</c> followed and a nullable <c>oneOf</c> reduced to its non-null branch.</summary>
    public JsonObject? Resolve(JsonNode? schema)
    {
        for (var depth = 0; depth < 16 && schema is JsonObject node; depth++)
        {
            if (node["$ref"]?.GetValue<string>() is { } reference)
            {
                schema = _schemas[reference[(reference.LastIndexOf('/') + 1)..]];
            }
            else if ((node["oneOf"] ?? node["anyOf"]) is JsonArray branches)
            {
                schema = branches.FirstOrDefault(branch => branch?["type"]?.GetValue<string>() != "null") ?? branches.FirstOrDefault();
            }
            else
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>The JSON types a schema allows, without null (<c>"type": ["null", "string"]</c> is a string).</summary>
    public static IReadOnlyList<string> TypesOf(JsonObject schema) => schema["type"] switch
    {
        JsonArray types => [.. types.Select(type => type!.GetValue<string>()).Where(type => type != "null")],
        JsonValue type => [type.GetValue<string>()],
        _ => schema["properties"] is not null ? ["object"] : [],
    };

    private Operation Read(string template, string method, JsonObject operation)
    {
        var parameters = (operation["parameters"]?.AsArray() ?? [])
            .Select(parameter => new Parameter(
                parameter!["name"]!.GetValue<string>(),
                parameter["in"]!.GetValue<string>(),
                Resolve(parameter["schema"]) ?? []))
            .Where(parameter => parameter.IsPath || parameter.IsQuery)
            .ToList();
        var content = operation["requestBody"]?["content"]?.AsObject();
        var contentTypes = content?.Select(entry => entry.Key).ToList() ?? [];
        var bodySchema = content?.Where(entry => entry.Key.Contains("json", StringComparison.Ordinal)).Select(entry => Resolve(entry.Value?["schema"])).FirstOrDefault();
        var isPublic = operation["security"] is JsonArray { Count: 0 };
        var (area, resource) = AreaOf(template);
        var requirement = GatewayOwned.GetValueOrDefault(template)
            ?? (method == "GET" ? area.ReadPolicy(resource) : area.WritePolicy(resource));
        return new Operation(method, template, parameters, contentTypes, bodySchema, isPublic, area.Name, requirement);
    }

    /// <summary>The area the gateway routes the path to: the one whose resource is the longest prefix of it.</summary>
    private static (ServiceArea Area, string Resource) AreaOf(string template)
    {
        var resourcePath = template[(ServiceAreas.ApiPrefix.Length + 1)..];
        return ServiceAreas.All
            .SelectMany(area => area.Resources.Concat(area.PublicResources ?? []).Select(resource => (area, resource)))
            .Where(entry => resourcePath == entry.resource || resourcePath.StartsWith(entry.resource + "/", StringComparison.Ordinal))
            .OrderByDescending(entry => entry.resource.Length)
            .Select(entry => ((ServiceArea Area, string Resource)?)(entry.area, entry.resource))
            .FirstOrDefault() ?? throw new InvalidOperationException($"The gateway routes no area to {template}.");
    }
}
