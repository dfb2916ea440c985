using System.Net;
using System.Net.Http.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;
using static CrmCloud.Contacts.Tests.CustomFieldsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>What changing or deleting a field does to the values people and companies hold.</summary>
public sealed class CustomFieldLifecycleTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private const string UpdatesWithout =
        "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>$2 = $3 AND NOT (payload->$4->'customFields' ? $5)";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deleting_a_field_removes_its_values_from_every_record_with_an_update_event_each()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var field = await DefineAsync(client, new { entity = "person", key = "score", label = "Score", type = "number" });
        await DefineAsync(client, new { entity = "person", key = "nickname", label = "Nickname", type = "text" });
        var scored = await CreatePersonAsync(client, new { lastName = "Scored", customFields = new { score = 4, nickname = "Kept" } });
        var unscored = await CreatePersonAsync(client, new { lastName = "Unscored", customFields = new { nickname = "Untouched" } });

        var response = await client.DeleteAsync($"{Fields}/{field.GetProperty("id")}", Token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{Fields}/{field.GetProperty("id")}", Token)).StatusCode);
        var after = await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{scored.GetProperty("id")}", Token));
        Assert.False(after.GetProperty("customFields").TryGetProperty("score", out _));
        Assert.Equal("Kept", after.GetProperty("customFields").GetProperty("nickname").GetString());
        Assert.Equal(2, after.GetProperty("version").GetInt64());
        var untouched = await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{unscored.GetProperty("id")}", Token));
        Assert.Equal(1, untouched.GetProperty("version").GetInt64());
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString, UpdatesWithout, "CrmCloud.Contracts.Contacts.ContactUpdated", "personId", scored.GetProperty("id").GetGuid().ToString(), "contact", "score"));
        Assert.Equal(0, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND message_type = 'CrmCloud.Contracts.Contacts.ContactUpdated' AND payload->>'personId' = $2",
            tenant,
            unscored.GetProperty("id").GetGuid().ToString()));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1 AND custom_fields ? 'score'", tenant));
    }

    [Fact]
    public async Task Deleting_a_company_field_removes_its_values_from_companies_only()
    {
        var client = api.ClientFor(NewTenant());
        var companyField = await DefineAsync(client, new { entity = "company", key = "segment", label = "Segment", type = "text" });
        await DefineAsync(client, new { entity = "person", key = "segment", label = "Segment", type = "text" });
        var company = await CreateCompanyAsync(client, new { name = "Acme", customFields = new { segment = "enterprise" } });
        var person = await CreatePersonAsync(client, new { lastName = "Same key", customFields = new { segment = "buyer" } });

        await client.DeleteAsync($"{Fields}/{companyField.GetProperty("id")}", Token);

        var storedCompany = await ReadJsonAsync(await client.GetAsync($"/api/v1/companies/{company.GetProperty("id")}", Token));
        var storedPerson = await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{person.GetProperty("id")}", Token));
        Assert.Empty(storedCompany.GetProperty("customFields").EnumerateObject());
        Assert.Equal(2, storedCompany.GetProperty("version").GetInt64());
        Assert.Equal("buyer", storedPerson.GetProperty("customFields").GetProperty("segment").GetString());
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString, UpdatesWithout, "CrmCloud.Contracts.Contacts.CompanyUpdated", "companyId", company.GetProperty("id").GetGuid().ToString(), "company", "segment"));
    }

    [Fact]
    public async Task A_deleted_key_can_be_defined_again_with_another_type_and_starts_empty()
    {
        var client = api.ClientFor(NewTenant());
        var first = await DefineAsync(client, new { entity = "person", key = "level", label = "Level", type = "text" });
        await CreatePersonAsync(client, new { lastName = "Levelled", customFields = new { level = "senior" } });
        await client.DeleteAsync($"{Fields}/{first.GetProperty("id")}", Token);

        await DefineAsync(client, new { entity = "person", key = "level", label = "Level", type = "number" });
        var filtered = await client.GetAsync("/api/v1/people?customFields.level.min=0", Token);
        var created = await client.PostAsJsonAsync("/api/v1/people", new { lastName = "New", customFields = new { level = 3 } }, Token);

        Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);
        Assert.Empty((await ReadJsonAsync(filtered)).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Removing_an_option_in_use_is_a_409_and_an_unused_one_may_go()
    {
        var client = api.ClientFor(NewTenant());
        var field = await DefineAsync(client, new { entity = "person", key = "tier", label = "Tier", type = "choice", options = new List<string> { "Gold", "Silver", "Bronze" } });
        var path = $"{Fields}/{field.GetProperty("id")}";
        await CreatePersonAsync(client, new { lastName = "Golden", customFields = new { tier = "Gold" } });

        var inUse = await PatchAsync(client, path, """{ "options": ["Silver", "Bronze"] }""");
        var renamed = await PatchAsync(client, path, """{ "options": ["Gold medal", "Silver", "Bronze"] }""");
        var unused = await PatchAsync(client, path, """{ "options": ["Bronze", "Gold"] }""");

        Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        Assert.Contains("'Gold'", (await ReadJsonAsync(inUse)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, renamed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unused.StatusCode);
        Assert.Equal(["Bronze", "Gold"], (await ReadJsonAsync(unused)).GetProperty("options").EnumerateArray().Select(o => o.GetString()));
        var silver = await client.PostAsJsonAsync("/api/v1/people", new { lastName = "Silvered", customFields = new { tier = "Silver" } }, Token);
        Assert.Equal(HttpStatusCode.BadRequest, silver.StatusCode);
    }

    [Fact]
    public async Task An_option_used_by_another_tenant_does_not_count()
    {
        var client = api.ClientFor(NewTenant());
        var other = api.ClientFor(NewTenant());
        var field = await DefineAsync(client, new { entity = "person", key = "tier", label = "Tier", type = "choice", options = new List<string> { "Gold", "Silver" } });
        await DefineAsync(other, new { entity = "person", key = "tier", label = "Tier", type = "choice", options = new List<string> { "Gold" } });
        await CreatePersonAsync(other, new { lastName = "Theirs", customFields = new { tier = "Gold" } });

        var response = await PatchAsync(client, $"{Fields}/{field.GetProperty("id")}", """{ "options": ["Silver"] }""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_stray_value_whose_field_is_gone_is_shown_and_may_be_removed_with_null()
    {
        var client = api.ClientFor(NewTenant());
        var field = await DefineAsync(client, new { entity = "person", key = "temp", label = "Temp", type = "text" });
        var person = await CreatePersonAsync(client, new { lastName = "Stray" });
        var id = person.GetProperty("id").GetGuid();
        await client.DeleteAsync($"{Fields}/{field.GetProperty("id")}", Token);
        // What a patch racing the field's deletion could leave behind.
        await using (var connection = new Npgsql.NpgsqlConnection(api.DatabaseConnectionString))
        {
            await connection.OpenAsync(Token);
            await using var command = new Npgsql.NpgsqlCommand("""UPDATE people SET custom_fields = '{"temp": "left over"}' WHERE id = $1""", connection);
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = id });
            await command.ExecuteNonQueryAsync(Token);
        }

        var shown = await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{id}", Token));
        var setAgain = await PatchAsync(client, $"/api/v1/people/{id}", """{ "customFields": { "temp": "again" } }""");
        var unrelated = await PatchAsync(client, $"/api/v1/people/{id}", """{ "jobTitle": "Editor" }""");
        var removed = await PatchAsync(client, $"/api/v1/people/{id}", """{ "customFields": { "temp": null } }""");

        Assert.Equal("left over", shown.GetProperty("customFields").GetProperty("temp").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, setAgain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unrelated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Empty((await ReadJsonAsync(removed)).GetProperty("customFields").EnumerateObject());
    }
}
