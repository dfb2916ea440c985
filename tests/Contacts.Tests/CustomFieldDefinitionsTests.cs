using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;
using static CrmCloud.Contacts.Tests.CustomFieldsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary><c>/api/v1/custom-fields</c>: defining, reading, changing and deleting the fields themselves.</summary>
public sealed class CustomFieldDefinitionsTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private readonly HttpClient _client = api.ClientFor(NewTenant());

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_returns_201_with_location_etag_and_the_normalised_field()
    {
        var response = await _client.PostAsJsonAsync(Fields, new
        {
            entity = "person",
            key = "tier",
            label = " Tier ",
            type = "choice",
            options = new List<string> { " Gold ", "Silver" },
            required = true,
            description = "Loyalty tier",
        }, Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var field = await ReadJsonAsync(response);
        var id = field.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/custom-fields/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal("person", field.GetProperty("entity").GetString());
        Assert.Equal("tier", field.GetProperty("key").GetString());
        Assert.Equal("Tier", field.GetProperty("label").GetString());
        Assert.Equal("choice", field.GetProperty("type").GetString());
        Assert.Equal(["Gold", "Silver"], field.GetProperty("options").EnumerateArray().Select(o => o.GetString()));
        Assert.True(field.GetProperty("required").GetBoolean());
        Assert.Equal("Loyalty tier", field.GetProperty("description").GetString());
        Assert.Equal(1, field.GetProperty("version").GetInt64());
        Assert.EndsWith("Z", field.GetProperty("createdAt").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_returns_the_stored_field_with_its_etag_and_a_non_choice_field_has_no_options()
    {
        var created = await DefineAsync(_client, new { entity = "company", key = "employees", label = "Employees", type = "number" });

        var response = await _client.GetAsync($"{Fields}/{created.GetProperty("id")}", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var field = await ReadJsonAsync(response);
        Assert.Equal("employees", field.GetProperty("key").GetString());
        Assert.Equal("number", field.GetProperty("type").GetString());
        Assert.False(field.GetProperty("required").GetBoolean());
        Assert.False(field.TryGetProperty("options", out _));
    }

    [Theory]
    [InlineData("""{ "key": "a", "label": "A", "type": "text" }""", "entity")]
    [InlineData("""{ "entity": "deal", "key": "a", "label": "A", "type": "text" }""", "entity")]
    [InlineData("""{ "entity": "person", "label": "A", "type": "text" }""", "key")]
    [InlineData("""{ "entity": "person", "key": "Capital", "label": "A", "type": "text" }""", "key")]
    [InlineData("""{ "entity": "person", "key": "with-dash", "label": "A", "type": "text" }""", "key")]
    [InlineData("""{ "entity": "person", "key": "a12345678901234567890123456789012345678901", "label": "A", "type": "text" }""", "key")]
    [InlineData("""{ "entity": "person", "key": "a", "type": "text" }""", "label")]
    [InlineData("""{ "entity": "person", "key": "a", "label": "A" }""", "type")]
    [InlineData("""{ "entity": "person", "key": "a", "label": "A", "type": "money" }""", "type")]
    [InlineData("""{ "entity": "person", "key": "a", "label": "A", "type": "choice" }""", "options")]
    [InlineData("""{ "entity": "person", "key": "a", "label": "A", "type": "choice", "options": [] }""", "options")]
    [InlineData("""{ "entity": "person", "key": "a", "label": "A", "type": "choice", "options": ["Gold", "gold"] }""", "options[1]")]
    [InlineData("""{ "entity": "person", "key": "a", "label": "A", "type": "choice", "options": ["Gold", " "] }""", "options[1]")]
    [InlineData("""{ "entity": "person", "key": "a", "label": "A", "type": "text", "options": ["x"] }""", "options")]
    public async Task An_invalid_definition_is_a_400_naming_the_field(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var response = await _client.PostAsync(Fields, content, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, (await ErrorsAsync(response)).Keys);
    }

    [Fact]
    public async Task A_key_is_unique_per_tenant_and_entity_but_not_across_them()
    {
        await DefineAsync(_client, new { entity = "person", key = "region", label = "Region", type = "text" });

        var again = await _client.PostAsJsonAsync(Fields, new { entity = "person", key = "region", label = "Other", type = "number" }, Token);
        var forCompanies = await _client.PostAsJsonAsync(Fields, new { entity = "company", key = "region", label = "Region", type = "text" }, Token);
        var otherTenant = await api.ClientFor(NewTenant()).PostAsJsonAsync(Fields, new { entity = "person", key = "region", label = "Region", type = "text" }, Token);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("The key is taken.", (await ReadJsonAsync(again)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Created, forCompanies.StatusCode);
        Assert.Equal(HttpStatusCode.Created, otherTenant.StatusCode);
    }

    [Fact]
    public async Task A_caller_supplied_id_is_kept_and_reusing_it_is_a_conflict()
    {
        var id = Guid.CreateVersion7();

        var first = await _client.PostAsJsonAsync(Fields, new { id, entity = "person", key = "first", label = "First", type = "text" }, Token);
        var second = await _client.PostAsJsonAsync(Fields, new { id, entity = "person", key = "second", label = "Second", type = "text" }, Token);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(id, (await ReadJsonAsync(first)).GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("The id is taken.", (await ReadJsonAsync(second)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task List_pages_in_creation_order_and_filters_by_entity()
    {
        var client = api.ClientFor(NewTenant());
        await DefineAsync(client, new { entity = "person", key = "one", label = "One", type = "text" });
        await DefineAsync(client, new { entity = "company", key = "two", label = "Two", type = "text" });
        await DefineAsync(client, new { entity = "person", key = "three", label = "Three", type = "text" });

        var firstPage = await ReadJsonAsync(await client.GetAsync($"{Fields}?entity=person&limit=1", Token));
        var secondPage = await ReadJsonAsync(await client.GetAsync($"{Fields}?entity=person&limit=1&cursor={firstPage.GetProperty("nextCursor").GetString()}", Token));
        var all = await ReadJsonAsync(await client.GetAsync(Fields, Token));
        var badEntity = await client.GetAsync($"{Fields}?entity=deal", Token);

        Assert.Equal(["one"], firstPage.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("key").GetString()));
        Assert.Equal(["three"], secondPage.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("key").GetString()));
        Assert.False(secondPage.TryGetProperty("nextCursor", out _));
        Assert.Equal(["one", "two", "three"], all.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("key").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, badEntity.StatusCode);
        Assert.Contains("entity", (await ErrorsAsync(badEntity)).Keys);
    }

    [Fact]
    public async Task Patch_changes_label_description_required_and_adds_options()
    {
        var field = await DefineAsync(_client, new { entity = "person", key = "plan", label = "Plan", type = "choice", options = new List<string> { "Free" } });
        var path = $"{Fields}/{field.GetProperty("id")}";

        var response = await PatchAsync(_client, path, """{ "label": "Plan name", "description": "Billing plan", "required": true, "options": ["Free", "Pro"] }""", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        var stored = await ReadJsonAsync(await _client.GetAsync(path, Token));
        Assert.Equal("Plan name", stored.GetProperty("label").GetString());
        Assert.Equal("Billing plan", stored.GetProperty("description").GetString());
        Assert.True(stored.GetProperty("required").GetBoolean());
        Assert.Equal(["Free", "Pro"], stored.GetProperty("options").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(2, stored.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("""{ "type": "number" }""", "type")]
    [InlineData("""{ "key": "renamed" }""", "key")]
    [InlineData("""{ "entity": "company" }""", "entity")]
    [InlineData("""{ "label": null }""", "label")]
    [InlineData("""{ "options": ["x"] }""", "options")]
    public async Task Entity_key_and_type_cannot_change_and_a_patch_follows_the_create_rules(string patch, string field)
    {
        var created = await DefineAsync(_client, new { entity = "person", key = $"k{Guid.NewGuid():N}"[..20], label = "Fixed", type = "text" });
        var path = $"{Fields}/{created.GetProperty("id")}";

        var response = await PatchAsync(_client, path, patch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await ErrorsAsync(response)).Keys);
        var stored = await ReadJsonAsync(await _client.GetAsync(path, Token));
        Assert.Equal("text", stored.GetProperty("type").GetString());
        Assert.Equal(1, stored.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Stale_if_match_is_rejected_with_412_and_changes_nothing()
    {
        var created = await DefineAsync(_client, new { entity = "person", key = "stale", label = "Before", type = "text" });
        var path = $"{Fields}/{created.GetProperty("id")}";
        await PatchAsync(_client, path, """{ "label": "Current" }""");

        var stalePatch = await PatchAsync(_client, path, """{ "label": "Stale" }""", ifMatch: "\"1\"");
        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, path);
        staleDelete.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var deleteResponse = await _client.SendAsync(staleDelete, Token);

        Assert.Equal(HttpStatusCode.PreconditionFailed, stalePatch.StatusCode);
        Assert.Equal("application/problem+json", stalePatch.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.PreconditionFailed, deleteResponse.StatusCode);
        var stored = await ReadJsonAsync(await _client.GetAsync(path, Token));
        Assert.Equal("Current", stored.GetProperty("label").GetString());
    }

    [Fact]
    public async Task Another_tenant_cannot_see_change_or_delete_a_field()
    {
        var created = await DefineAsync(_client, new { entity = "person", key = "secret", label = "Secret", type = "text" });
        var path = $"{Fields}/{created.GetProperty("id")}";
        var stranger = api.ClientFor(NewTenant());

        var get = await stranger.GetAsync(path, Token);
        var patch = await PatchAsync(stranger, path, """{ "label": "Taken" }""");
        var delete = await stranger.DeleteAsync(path, Token);
        var list = await ReadJsonAsync(await stranger.GetAsync(Fields, Token));
        var useIt = await stranger.PostAsJsonAsync("/api/v1/people", new { lastName = "Stranger", customFields = new { secret = "x" } }, Token);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, useIt.StatusCode);
        Assert.Contains("customFields.secret", (await ErrorsAsync(useIt)).Keys);
        var mine = await ReadJsonAsync(await _client.GetAsync(path, Token));
        Assert.Equal("Secret", mine.GetProperty("label").GetString());
    }

    [Fact]
    public async Task A_read_only_caller_can_read_fields_but_not_define_them()
    {
        var reader = api.ClientFor(NewTenant(), "contacts:read");

        var read = await reader.GetAsync(Fields, Token);
        var write = await reader.PostAsJsonAsync(Fields, new { entity = "person", key = "refused", label = "Refused", type = "text" }, Token);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_rules_and_the_filters()
    {
        var document = await ReadJsonAsync(await api.CreateClient().GetAsync("/openapi/v1.json", Token));

        var paths = document.GetProperty("paths");
        var delete = paths.GetProperty("/api/v1/custom-fields/{id}").GetProperty("delete");
        Assert.Contains("its value from every person or company", delete.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(delete.GetProperty("responses").TryGetProperty("409", out _));
        var listPeople = paths.GetProperty("/api/v1/people").GetProperty("get").GetProperty("description").GetString();
        Assert.Contains("customFields.<key>.min", listPeople, StringComparison.Ordinal);
    }
}
