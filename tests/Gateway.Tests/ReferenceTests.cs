using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using CrmCloud.Gateway.Reference;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Gateway.Tests;

public sealed class ReferenceTests(ReferenceSystem system) : IClassFixture<ReferenceSystem>
{
    /// <summary>The linter, pinned; npx keeps it in the npm cache (~/.npm) after the first run.</summary>
    private const string Spectral = "@stoplight/spectral-cli@6.16.3";

    [Fact]
    public async Task The_merged_document_describes_every_service_as_the_gateway_exposes_it()
    {
        var (response, document) = await MergedAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains(ReferenceExtensions.UnavailableAreasHeader));
        Assert.Null(document[MergedDocument.UnavailableAreasExtension]);
        var paths = document["paths"]!.AsObject();
        Assert.All(
            ["/api/v1/people", "/api/v1/opportunities", "/api/v1/campaigns", "/api/v1/tickets", "/api/v1/invoices", "/api/v1/api-keys", "/api/v1/customers/{personId}/360"],
            path => Assert.True(paths.ContainsKey(path), $"{path} is missing"));
        Assert.All(paths, path => Assert.StartsWith("/api/v1/", path.Key, StringComparison.Ordinal));
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("bearer", schemes["Bearer"]!["scheme"]!.GetValue<string>());
        Assert.Equal("X-Api-Key", schemes["ApiKey"]!["name"]!.GetValue<string>());
        Assert.Equal(["Bearer", "ApiKey"], document["security"]!.AsArray().Select(requirement => requirement!.AsObject().Single().Key));
        Assert.Equal(["Contacts", "Sales", "Campaign", "Support", "Billing", "Integrations", "Gateway"], document["x-tagGroups"]!.AsArray().Select(group => group!["name"]!.GetValue<string>()));
        // Every reference points at a component the merged document holds, renamed ones included.
        var components = document["components"]!.AsObject();
        Assert.All(References(document), reference =>
        {
            var parts = reference["#/components/".Length..].Split('/');
            Assert.True(components[parts[0]]?[parts[1]] is not null, $"{reference} points nowhere");
        });
        // A public resource needs no credentials.
        var survey = paths.Where(path => path.Key.StartsWith("/api/v1/csat/", StringComparison.Ordinal)).SelectMany(path => path.Value!.AsObject()).ToList();
        Assert.NotEmpty(survey);
        Assert.All(survey, operation => Assert.Empty(operation.Value!["security"]!.AsArray()));
    }

    [Fact]
    public async Task The_merged_document_passes_the_OpenAPI_linter_without_errors()
    {
        var (_, document) = await MergedAsync();
        var folder = Directory.CreateTempSubdirectory("crm-openapi-");
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "openapi.json"), document.ToJsonString(), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, ".spectral.json"), """{ "extends": ["spectral:oas"] }""", TestContext.Current.CancellationToken);

        var (exitCode, output) = await RunAsync(folder.FullName, "npx", "--yes", Spectral, "lint", "openapi.json", "--ruleset", ".spectral.json", "--fail-severity", "error");

        Assert.True(exitCode == 0, $"Spectral found errors in the merged document ({folder.FullName}/openapi.json):\n{output}");
        // Kept only when it fails, for reading.
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task The_reference_page_shows_the_merged_document()
    {
        using var client = system.Gateway.Anonymous();

        var page = await client.GetStringAsync(ReferenceExtensions.DocsPath, TestContext.Current.CancellationToken);

        // Scalar names the documents by URL relative to the page; the merged one is there, first.
        Assert.Contains(ReferenceExtensions.MergedDocumentPath.TrimStart('/'), page, StringComparison.Ordinal);
    }

    private async Task<(HttpResponseMessage Response, JsonObject Document)> MergedAsync()
    {
        using var client = system.Gateway.Anonymous();
        var response = await client.GetAsync(ReferenceExtensions.MergedDocumentPath, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response, JsonNode.Parse(body)!.AsObject());
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject value => value.SelectMany(property => property.Key == "$ref" && property.Value is JsonValue reference
            ? [reference.GetValue<string>()]
            : References(property.Value)),
        JsonArray items => items.SelectMany(References),
        _ => [],
    };

    private static async Task<(int ExitCode, string Output)> RunAsync(string folder, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await errors);
    }
}

public sealed class PartialReferenceTests(GatewaySystem system) : IClassFixture<GatewaySystem>
{
    [Fact]
    public async Task Areas_whose_service_is_down_are_named_and_the_rest_is_served()
    {
        using var client = system.First.Anonymous();
        string[] missing = ["sales", "campaign", "support", "billing"];

        // A service's first document can outlast the fetch on a busy machine; a partial document is kept only seconds.
        var (response, document) = await Eventually.Until(
            async () =>
            {
                var response = await client.GetAsync(ReferenceExtensions.MergedDocumentPath, TestContext.Current.CancellationToken);
                var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
                return string.Join(", ", response.Headers.GetValues(ReferenceExtensions.UnavailableAreasHeader)) == string.Join(", ", missing)
                    ? Tuple.Create(response, document)
                    : null;
            },
            TimeSpan.FromSeconds(60),
            "a merged document missing just the stopped and hung areas");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(missing, document[MergedDocument.UnavailableAreasExtension]!.AsArray().Select(area => area!.GetValue<string>()));
        Assert.True(document["paths"]!.AsObject().ContainsKey("/api/v1/people"));
        Assert.True(document["paths"]!.AsObject().ContainsKey("/api/v1/api-keys"));
        Assert.False(document["paths"]!.AsObject().ContainsKey("/api/v1/invoices"));
    }
}
