using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class PipelinesTests(SalesApi api) : IClassFixture<SalesApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static StageBody[] Stages(params (string Name, int Probability)[] stages) =>
        [.. stages.Select(stage => new StageBody(stage.Name, stage.Probability))];

    [Fact]
    public async Task Create_returns_the_stages_in_order_with_ids_and_the_first_pipeline_is_the_default()
    {
        var response = await Client.PostAsJsonAsync(
            "/api/v1/pipelines", new { name = "Enterprise", stages = Stages(("Lead in", 5), ("Demo", 40), ("Contract", 90)) }, Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var pipeline = await ReadJsonAsync(response);
        Assert.True(pipeline.GetProperty("isDefault").GetBoolean());
        var stages = pipeline.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["Lead in", "Demo", "Contract"], stages.Select(stage => stage.GetProperty("name").GetString()));
        Assert.Equal([5, 40, 90], stages.Select(stage => stage.GetProperty("probability").GetInt32()));
        Assert.All(stages, stage => Assert.NotEqual(Guid.Empty, stage.GetProperty("id").GetGuid()));
        Assert.Equal(pipeline.GetProperty("id").GetGuid(), (await ReadJsonAsync(await Client.GetAsync(response.Headers.Location, Token))).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Invalid_stages_are_named_by_index_and_field()
    {
        var response = await Client.PostAsJsonAsync(
            "/api/v1/pipelines",
            new { name = " ", stages = new object[] { new { name = "Demo", probability = 40 }, new { name = "demo", probability = 101 }, new { name = "", probability = -1 } } },
            Token);
        var empty = await Client.PostAsJsonAsync("/api/v1/pipelines", new { name = "Empty", stages = Array.Empty<object>() }, Token);
        var tooMany = await Client.PostAsJsonAsync(
            "/api/v1/pipelines", new { name = "Long", stages = Enumerable.Range(1, 21).Select(index => new { name = $"S{index}", probability = 50 }) }, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            ["name", "stages[1].name", "stages[1].probability", "stages[2].name", "stages[2].probability"],
            (await ErrorFieldsAsync(response)).Order(StringComparer.Ordinal));
        Assert.Equal(["stages"], await ErrorFieldsAsync(empty));
        Assert.Equal(["stages"], await ErrorFieldsAsync(tooMany));
        Assert.Equal(0, await TestInfrastructure.Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM pipelines WHERE tenant_id = $1", _tenant));
    }

    [Fact]
    public async Task Making_another_pipeline_the_default_leaves_exactly_one_default()
    {
        var first = await CreateAsync(Client, "/api/v1/pipelines", new { name = "First", stages = Stages(("Open", 20)) });
        var second = await CreateAsync(Client, "/api/v1/pipelines", new { name = "Second", stages = Stages(("Open", 20)) });
        Assert.False(second.GetProperty("isDefault").GetBoolean());

        var third = await CreateAsync(Client, "/api/v1/pipelines", new { name = "Third", isDefault = true, stages = Stages(("Open", 20)) });
        var promoted = await SendAsync(Client, HttpMethod.Patch, $"/api/v1/pipelines/{second.GetProperty("id").GetGuid()}", """{ "isDefault": true }""");
        var demoted = await SendAsync(Client, HttpMethod.Patch, $"/api/v1/pipelines/{second.GetProperty("id").GetGuid()}", """{ "isDefault": false }""");
        var deleteDefault = await Client.DeleteAsync($"/api/v1/pipelines/{second.GetProperty("id").GetGuid()}", Token);

        Assert.True(third.GetProperty("isDefault").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, demoted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, deleteDefault.StatusCode);
        var defaults = await ReadJsonAsync(await Client.GetAsync("/api/v1/pipelines?isDefault=true", Token));
        Assert.Equal([second.GetProperty("id").GetGuid()], defaults.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        var reread = await ReadJsonAsync(await Client.GetAsync($"/api/v1/pipelines/{first.GetProperty("id").GetGuid()}", Token));
        Assert.False(reread.GetProperty("isDefault").GetBoolean());
    }

    [Fact]
    public async Task Patch_replaces_stages_keeping_given_ids_and_a_stale_if_match_is_rejected_with_412()
    {
        var pipeline = await CreateAsync(Client, "/api/v1/pipelines", new { name = "Renewals", stages = Stages(("Due", 50), ("Signed", 95)) });
        var id = pipeline.GetProperty("id").GetGuid();
        var kept = pipeline.GetProperty("stages")[1].GetProperty("id").GetGuid();
        var path = $"/api/v1/pipelines/{id}";

        var patched = await SendAsync(
            Client, HttpMethod.Patch, path, $$"""{ "name": "Renewals 2026", "stages": [{ "id": "{{kept}}", "name": "Signed", "probability": 99 }, { "name": "Paid", "probability": 100 }] }""", ifMatch: "\"1\"");
        var stale = await SendAsync(Client, HttpMethod.Patch, path, """{ "name": "Lost" }""", ifMatch: "\"1\"");
        var staleDelete = await SendAsync(Client, HttpMethod.Delete, path, null, ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleDelete.StatusCode);
        var stored = await ReadJsonAsync(await Client.GetAsync(path, Token));
        Assert.Equal("Renewals 2026", stored.GetProperty("name").GetString());
        Assert.Equal(kept, stored.GetProperty("stages")[0].GetProperty("id").GetGuid());
        Assert.Equal(99, stored.GetProperty("stages")[0].GetProperty("probability").GetInt32());
        Assert.Equal(2, stored.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Another_tenant_cannot_see_change_or_delete_a_pipeline()
    {
        await CreateAsync(Client, "/api/v1/pipelines", new { name = "Default", stages = Stages(("Open", 20)) });
        var id = (await CreateAsync(Client, "/api/v1/pipelines", new { name = "Mine", stages = Stages(("Open", 20)) })).GetProperty("id").GetGuid();
        var stranger = api.ClientFor(NewTenant());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/pipelines/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(stranger, HttpMethod.Patch, $"/api/v1/pipelines/{id}", """{ "name": "Taken" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/v1/pipelines/{id}", Token)).StatusCode);
        Assert.Empty((await ReadJsonAsync(await stranger.GetAsync("/api/v1/pipelines", Token))).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/v1/pipelines/{id}", Token)).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/pipelines/{id}", "patch", "UpdatePipeline", "412")]
    [InlineData("/api/v1/opportunities", "post", "CreateOpportunity", "400")]
    [InlineData("/api/v1/opportunities/{id}/win", "post", "WinOpportunity", "409")]
    [InlineData("/api/v1/opportunities/{id}/history", "get", "GetOpportunityHistory", "404")]
    public async Task Operations_are_documented_with_their_problems(string path, string method, string name, string problem)
    {
        var document = await ReadJsonAsync(await api.CreateClient().GetAsync("/openapi/v1.json", Token));

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.Equal(name, operation.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("description").GetString()));
        Assert.True(operation.GetProperty("responses").TryGetProperty(problem, out JsonElement _), $"{name} should document {problem}.");
    }
}

/// <summary>A stage as a request body gives it.</summary>
internal sealed record StageBody(string Name, int Probability);
