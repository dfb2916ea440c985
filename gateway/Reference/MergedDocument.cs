using System.Text.Json.Nodes;
using CrmCloud.Gateway.Credentials;
using CrmCloud.Gateway.Routing;

namespace CrmCloud.Gateway.Reference;

/// <summary>One service's OpenAPI document, as it published it.</summary>
public sealed record AreaDocument(ServiceArea Area, JsonObject Document);

/// <summary>
/// Merges the services' OpenAPI documents into the one document of the API the gateway exposes: the paths the gateway
/// routes to each service, their components with clashing names prefixed by the area (and every <c>$ref</c> to them
/// rewritten), operation ids and tags made unique, tags grouped per area (<c>x-tagGroups</c>), and both ways to
/// authenticate: a person's bearer token or a partner's API key.
/// </summary>
public static class MergedDocument
{
    public const string BearerScheme = "Bearer";
    public const string ApiKeyScheme = PartnerKeyAuthentication.SchemeName;

    /// <summary>The extension naming the areas whose document could not be fetched, so the merged one lacks them.</summary>
    public const string UnavailableAreasExtension = "x-unavailable-areas";

    private const string ComponentsPrefix = "#/components/";

    public static JsonObject Merge(IReadOnlyList<AreaDocument> documents, IReadOnlyList<ServiceArea> unavailable)
    {
        // Work on copies: the services' documents stay as they were (the per-area endpoints serve them).
        var sources = documents.Select(source => source with { Document = (JsonObject)source.Document.DeepClone() }).ToList();
        RenameClashingComponents(sources);

        var (paths, areaOf) = MergePaths(sources);
        var merged = new JsonObject
        {
            ["openapi"] = sources.Select(source => source.Document["openapi"]?.GetValue<string>()).FirstOrDefault(version => version is not null) ?? "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "CrmCloud API",
                ["version"] = "v1",
                ["description"] = "Every CrmCloud service behind the gateway: contacts, sales, campaigns, support, billing and partner integrations. "
                    + "Authenticate with a person's bearer token or a partner's API key; each route asks for its area's scope "
                    + "(`contacts:read` to read, `contacts:write` for anything else).",
            },
            ["paths"] = paths,
            ["components"] = MergeComponents(sources),
            ["security"] = new JsonArray(Requirement(BearerScheme), Requirement(ApiKeyScheme)),
        };
        MakeOperationIdsUnique(areaOf);
        var (tags, groups) = TagsPerArea(areaOf, sources);
        merged["tags"] = tags;
        merged["x-tagGroups"] = groups;
        if (unavailable.Count > 0)
        {
            merged[UnavailableAreasExtension] = new JsonArray([.. unavailable.Select(area => JsonValue.Create(area.Name))]);
        }

        return merged;
    }

    /// <summary>Whether the gateway routes <paramref name="path"/> to <paramref name="area"/>'s service.</summary>
    public static bool Exposes(ServiceArea area, string path) =>
        area.Resources.Concat(area.PublicResources ?? []).Any(resource => IsUnder(path, resource));

    private static bool IsUnder(string path, string resource)
    {
        var root = $"{ServiceAreas.ApiPrefix}/{resource}";
        return path == root || path.StartsWith(root + "/", StringComparison.Ordinal);
    }

    /// <summary>
    /// A component name two areas use for different things is prefixed with each area's name. Until nothing changes:
    /// a component identical in two areas stays shared only while the components it refers to are shared too.
    /// </summary>
    private static void RenameClashingComponents(List<AreaDocument> sources)
    {
        var renames = new Dictionary<(string Area, string Kind, string Name), string>();
        bool changed;
        do
        {
            changed = false;
            var byName = sources
                .SelectMany(source => Components(source.Document).Select(component => (source.Area, component.Kind, component.Name, component.Value)))
                .Where(component => !renames.ContainsKey((component.Area.Name, component.Kind, component.Name)))
                .GroupBy(component => (component.Kind, component.Name));
            foreach (var clash in byName.Where(group => group.Count() > 1))
            {
                var shapes = clash.Select(component => Rewritten(component.Value, component.Area.Name, renames).ToJsonString()).Distinct().Count();
                if (shapes == 1)
                {
                    continue;
                }

                foreach (var component in clash)
                {
                    renames[(component.Area.Name, component.Kind, component.Name)] = Title(component.Area) + component.Name;
                }

                changed = true;
            }
        }
        while (changed);

        foreach (var source in sources)
        {
            RewriteReferences(source.Document, source.Area.Name, renames);
            if (source.Document["components"] is not JsonObject components)
            {
                continue;
            }

            foreach (var (kind, group) in components.ToList())
            {
                if (group is not JsonObject named)
                {
                    continue;
                }

                foreach (var (name, value) in named.ToList())
                {
                    if (renames.TryGetValue((source.Area.Name, kind, name), out var renamed))
                    {
                        named.Remove(name);
                        named[renamed] = value;
                    }
                }
            }
        }
    }

    private static IEnumerable<(string Kind, string Name, JsonNode? Value)> Components(JsonObject document) =>
        document["components"] is JsonObject components
            ? components.Where(group => group.Value is JsonObject).SelectMany(group => ((JsonObject)group.Value!).Select(named => (group.Key, named.Key, named.Value)))
            : [];

    private static JsonNode Rewritten(JsonNode? node, string area, Dictionary<(string Area, string Kind, string Name), string> renames)
    {
        var copy = node?.DeepClone() ?? JsonValue.Create(0);
        RewriteReferences(copy, area, renames);
        return copy;
    }

    private static void RewriteReferences(JsonNode? node, string area, Dictionary<(string Area, string Kind, string Name), string> renames)
    {
        switch (node)
        {
            case JsonObject value:
                if (value["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var target)
                    && target.StartsWith(ComponentsPrefix, StringComparison.Ordinal)
                    && target[ComponentsPrefix.Length..].Split('/') is [var kind, var name]
                    && renames.TryGetValue((area, kind, name), out var renamed))
                {
                    value["$ref"] = $"{ComponentsPrefix}{kind}/{renamed}";
                }

                foreach (var (_, child) in value.ToList())
                {
                    RewriteReferences(child, area, renames);
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    RewriteReferences(item, area, renames);
                }

                break;
        }
    }

    /// <summary>The paths each service publishes that the gateway routes to it; public resources need no credentials.</summary>
    private static (JsonObject Paths, Dictionary<JsonObject, string> AreaOf) MergePaths(List<AreaDocument> sources)
    {
        var paths = new JsonObject();
        var areaOf = new Dictionary<JsonObject, string>(ReferenceEqualityComparer.Instance);
        foreach (var (area, document) in sources)
        {
            if (document["paths"] is not JsonObject published)
            {
                continue;
            }

            foreach (var (path, item) in published.ToList())
            {
                if (item is null || !Exposes(area, path) || paths.ContainsKey(path))
                {
                    continue;
                }

                published.Remove(path);
                var isPublic = (area.PublicResources ?? []).Any(resource => IsUnder(path, resource));
                foreach (var operation in Operations(item))
                {
                    areaOf[operation] = area.Name;
                    if (isPublic)
                    {
                        operation["security"] = new JsonArray();
                    }
                }

                paths[path] = item;
            }
        }

        return (paths, areaOf);
    }

    /// <summary>Every component of every area (clashes are renamed by now; identical ones are kept once), and both security schemes.</summary>
    private static JsonObject MergeComponents(List<AreaDocument> sources)
    {
        var components = new JsonObject();
        foreach (var (kind, name, value) in sources.SelectMany(source => Components(source.Document)).OrderBy(component => component.Kind, StringComparer.Ordinal).ThenBy(component => component.Name, StringComparer.Ordinal))
        {
            if (components[kind] is not JsonObject named)
            {
                named = new JsonObject();
                components[kind] = named;
            }

            if (!named.ContainsKey(name))
            {
                named[name] = value?.DeepClone();
            }
        }

        if (components["securitySchemes"] is not JsonObject schemes)
        {
            schemes = new JsonObject();
            components["securitySchemes"] = schemes;
        }

        schemes[BearerScheme] = new JsonObject
        {
            ["type"] = "http",
            ["scheme"] = "bearer",
            ["bearerFormat"] = "JWT",
            ["description"] = "A person's token from the identity provider, naming the tenant, the roles and the scopes of the caller.",
        };
        schemes[ApiKeyScheme] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = PartnerKeyAuthentication.KeyHeader,
            ["description"] = "A partner's API key, created by a tenant administrator at `/api/v1/api-keys`. "
                + $"Sent in the `{PartnerKeyAuthentication.KeyHeader}` header or as `Authorization: {ApiKeyScheme} <secret>`; it acts for its tenant with its scopes.",
        };
        return components;
    }

    /// <summary>Operation ids two services share are prefixed with their area, so every operation has its own.</summary>
    private static void MakeOperationIdsUnique(Dictionary<JsonObject, string> areaOf)
    {
        var clashing = areaOf.Keys
            .Where(operation => operation["operationId"] is not null)
            .GroupBy(operation => operation["operationId"]!.GetValue<string>())
            .Where(group => group.Count() > 1)
            .SelectMany(group => group);
        foreach (var operation in clashing)
        {
            operation["operationId"] = areaOf[operation] + operation["operationId"]!.GetValue<string>();
        }
    }

    /// <summary>
    /// Each area's tags, described (the service's own description, or its area's), a tag two areas use becoming
    /// "{tag} ({area})", and grouped per area so the reference page lists the API area by area.
    /// </summary>
    private static (JsonArray Tags, JsonArray Groups) TagsPerArea(Dictionary<JsonObject, string> areaOf, List<AreaDocument> sources)
    {
        var used = areaOf
            .SelectMany(operation => (operation.Key["tags"] as JsonArray ?? []).Select(tag => (Area: operation.Value, Tag: tag!.GetValue<string>())))
            .Distinct()
            .ToList();
        var shared = used.GroupBy(usage => usage.Tag).Where(group => group.Count() > 1).Select(group => group.Key).ToHashSet();

        string Named(string area, string tag) => shared.Contains(tag) ? $"{tag} ({area})" : tag;

        foreach (var (operation, area) in areaOf)
        {
            if (operation["tags"] is JsonArray tags)
            {
                operation["tags"] = new JsonArray([.. tags.Select(tag => JsonValue.Create(Named(area, tag!.GetValue<string>())))]);
            }
        }

        var allTags = new JsonArray();
        var groups = new JsonArray();
        foreach (var (area, document) in sources)
        {
            var described = (document["tags"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Where(tag => tag["name"] is not null && tag["description"] is not null)
                .ToDictionary(tag => tag["name"]!.GetValue<string>(), tag => tag["description"]!.GetValue<string>());
            var areaTags = used.Where(usage => usage.Area == area.Name).Select(usage => usage.Tag).Order(StringComparer.Ordinal).ToList();
            foreach (var tag in areaTags)
            {
                allTags.Add(new JsonObject
                {
                    ["name"] = Named(area.Name, tag),
                    ["description"] = described.GetValueOrDefault(tag) ?? $"{tag}, served by the {area.Name} service.",
                });
            }

            groups.Add(new JsonObject
            {
                ["name"] = Title(area),
                ["tags"] = new JsonArray([.. areaTags.Select(tag => JsonValue.Create(Named(area.Name, tag)))]),
            });
        }

        return (allTags, groups);
    }

    private static readonly HashSet<string> Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private static IEnumerable<JsonObject> Operations(JsonNode pathItem) =>
        pathItem is JsonObject item ? item.Where(entry => Methods.Contains(entry.Key)).Select(entry => entry.Value).OfType<JsonObject>() : [];

    private static JsonObject Requirement(string scheme) => new() { [scheme] = new JsonArray() };

    internal static string Title(ServiceArea area) => $"{char.ToUpperInvariant(area.Name[0])}{area.Name[1..]}";
}
