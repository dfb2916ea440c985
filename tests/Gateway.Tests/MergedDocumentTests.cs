using System.Text.Json.Nodes;
using CrmCloud.Gateway.Reference;
using CrmCloud.Gateway.Routing;
using Xunit;

namespace CrmCloud.Gateway.Tests;

/// <summary>The merge itself, on small documents: the services' real ones happen to share no clashing names today.</summary>
public sealed class MergedDocumentTests
{
    private static readonly ServiceArea Sales = ServiceAreas.All.Single(area => area.Name == "sales");
    private static readonly ServiceArea Support = ServiceAreas.All.Single(area => area.Name == "support");
    private static readonly string[] ReportPaths = ["/api/v1/orders", "/api/v1/tickets"];

    [Fact]
    public void Clashing_components_are_prefixed_with_their_area_and_references_follow()
    {
        var sales = Document("/api/v1/orders", "GetReport", "Reports", """{ "type": "object", "properties": { "won": { "type": "integer" } } }""");
        var support = Document("/api/v1/tickets", "GetReport", "Reports", """{ "type": "object", "properties": { "open": { "type": "integer" } } }""");

        var merged = MergedDocument.Merge([new AreaDocument(Sales, sales), new AreaDocument(Support, support)], []);

        var schemas = merged["components"]!["schemas"]!.AsObject();
        Assert.Equal(["ProblemDetails", "SalesReport", "SalesRow", "SupportReport", "SupportRow"], schemas.Select(schema => schema.Key).Order(StringComparer.Ordinal));
        Assert.Equal("#/components/schemas/SalesRow", schemas["SalesReport"]!["properties"]!["rows"]!["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/SupportReport", Response(merged, "/api/v1/tickets")["$ref"]!.GetValue<string>());
        Assert.Equal(["salesGetReport", "supportGetReport"], ReportPaths.Select(path => merged["paths"]![path]!["get"]!["operationId"]!.GetValue<string>()));
        Assert.Equal(["Reports (sales)", "Reports (support)"], merged["tags"]!.AsArray().Select(tag => tag!["name"]!.GetValue<string>()));
        // The services' documents are left as they were, for their own endpoints.
        Assert.True(sales["components"]!["schemas"]!.AsObject().ContainsKey("Report"));
    }

    [Fact]
    public void Paths_the_gateway_does_not_route_to_the_area_are_left_out()
    {
        var sales = Document("/api/v1/tickets", "GetTickets", "Tickets", """{ "type": "object" }""");

        var merged = MergedDocument.Merge([new AreaDocument(Sales, sales)], [Support]);

        Assert.Empty(merged["paths"]!.AsObject());
        Assert.Equal(["support"], merged[MergedDocument.UnavailableAreasExtension]!.AsArray().Select(area => area!.GetValue<string>()));
    }

    /// <summary>A service's document: one operation answering a report, whose rows are a schema of their own, and the shared problem schema.</summary>
    private static JsonObject Document(string path, string operationId, string tag, string row) => JsonNode.Parse($$"""
        {
          "openapi": "3.1.1",
          "info": { "title": "service", "version": "v1" },
          "paths": {
            "{{path}}": {
              "get": {
                "operationId": "{{operationId}}",
                "tags": ["{{tag}}"],
                "responses": {
                  "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Report" } } } },
                  "404": { "description": "Not found", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } } }
                }
              }
            }
          },
          "components": {
            "schemas": {
              "Report": { "type": "object", "properties": { "rows": { "type": "array", "items": { "$ref": "#/components/schemas/Row" } } } },
              "Row": {{row}},
              "ProblemDetails": { "type": "object", "properties": { "title": { "type": "string" } } }
            }
          }
        }
        """)!.AsObject();

    private static JsonNode Response(JsonObject merged, string path) =>
        merged["paths"]![path]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
}
