using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;
using static CrmCloud.Contacts.Tests.CustomFieldsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>Custom field values on people and companies: validated against the definitions, merged per key, carried by the events.</summary>
public sealed class CustomFieldValuesTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private const string EventsWithValues =
        "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>$2 = $3 AND payload->$4->'customFields' @> $5::jsonb";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> BadValues => new()
    {
        { """{ "nickname": 42 }""", "customFields.nickname" },
        { $$"""{ "nickname": "{{new string('x', 1001)}}" }""", "customFields.nickname" },
        { """{ "score": "12" }""", "customFields.score" },
        { """{ "score": 1e15 }""", "customFields.score" },
        { """{ "score": -1000000000000000 }""", "customFields.score" },
        { """{ "score": 1e400 }""", "customFields.score" },
        { """{ "since": "2024-02-30" }""", "customFields.since" },
        { """{ "since": "2024-2-3" }""", "customFields.since" },
        { """{ "since": "2024-02-03T10:00:00Z" }""", "customFields.since" },
        { """{ "since": 20240203 }""", "customFields.since" },
        { """{ "vip": "yes" }""", "customFields.vip" },
        { """{ "vip": 1 }""", "customFields.vip" },
        { """{ "tier": "Platinum" }""", "customFields.tier" },
        { """{ "tier": ["Gold"] }""", "customFields.tier" },
        { """{ "unknown": "x" }""", "customFields.unknown" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_person_with_an_invalid_value_is_a_400_naming_it_and_nothing_is_stored(string values, string field)
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        await DefineOneOfEachAsync(client, "person");

        var response = await PostJsonAsync(client, "/api/v1/people", $$"""{ "lastName": "Invalid", "customFields": {{values}} }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await ErrorsAsync(response)).Keys);
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1", tenant));
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_company_with_an_invalid_value_is_a_400_naming_it(string values, string field)
    {
        var client = api.ClientFor(NewTenant());
        await DefineOneOfEachAsync(client, "company");

        var response = await PostJsonAsync(client, "/api/v1/companies", $$"""{ "name": "Invalid", "customFields": {{values}} }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await ErrorsAsync(response)).Keys);
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_patch_with_an_invalid_value_is_a_400_naming_it_and_changes_nothing(string values, string field)
    {
        var client = api.ClientFor(NewTenant());
        await DefineOneOfEachAsync(client, "person");
        var person = await CreatePersonAsync(client, new { lastName = "Patched", customFields = new { score = 5 } });
        var path = $"/api/v1/people/{person.GetProperty("id")}";

        var response = await PatchAsync(client, path, $$"""{ "customFields": {{values}} }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await ErrorsAsync(response)).Keys);
        var stored = await ReadJsonAsync(await client.GetAsync(path, Token));
        Assert.Equal(1, stored.GetProperty("version").GetInt64());
        Assert.Equal(5, stored.GetProperty("customFields").GetProperty("score").GetDecimal());
    }

    [Fact]
    public async Task Valid_values_of_every_type_are_stored_in_canonical_form_and_returned()
    {
        var client = api.ClientFor(NewTenant());
        await DefineOneOfEachAsync(client, "person");

        var created = await CreatePersonAsync(client, new
        {
            lastName = "Typed",
            customFields = new { nickname = "  Ada  ", score = 12.50m, since = "2024-02-29", vip = true, tier = "gold" },
        });
        var stored = await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{created.GetProperty("id")}", Token));

        foreach (var person in new[] { created, stored })
        {
            var values = person.GetProperty("customFields");
            Assert.Equal("Ada", values.GetProperty("nickname").GetString());
            Assert.Equal("12.5", values.GetProperty("score").GetRawText());
            Assert.Equal("2024-02-29", values.GetProperty("since").GetString());
            Assert.True(values.GetProperty("vip").GetBoolean());
            Assert.Equal("Gold", values.GetProperty("tier").GetString());
        }
    }

    [Fact]
    public async Task A_person_without_values_has_an_empty_object_and_null_or_blank_text_is_no_value()
    {
        var client = api.ClientFor(NewTenant());
        await DefineOneOfEachAsync(client, "person");

        var plain = await CreatePersonAsync(client, new { lastName = "Plain" });
        var blank = await PostJsonAsync(client, "/api/v1/people", """{ "lastName": "Blank", "customFields": { "nickname": "   ", "score": null } }""");

        Assert.Empty(plain.GetProperty("customFields").EnumerateObject());
        Assert.Equal(HttpStatusCode.Created, blank.StatusCode);
        Assert.Empty((await ReadJsonAsync(blank)).GetProperty("customFields").EnumerateObject());
    }

    [Fact]
    public async Task A_required_field_must_have_a_value_on_create_and_cannot_be_removed()
    {
        var client = api.ClientFor(NewTenant());
        await DefineAsync(client, new { entity = "person", key = "source", label = "Source", type = "text", required = true });

        var missing = await client.PostAsJsonAsync("/api/v1/people", new { lastName = "Missing" }, Token);
        var nulled = await PostJsonAsync(client, "/api/v1/people", """{ "lastName": "Nulled", "customFields": { "source": null } }""");
        var person = await CreatePersonAsync(client, new { lastName = "Sourced", customFields = new { source = "Fair" } });
        var path = $"/api/v1/people/{person.GetProperty("id")}";
        var removed = await PatchAsync(client, path, """{ "customFields": { "source": null } }""");
        var cleared = await PatchAsync(client, path, """{ "customFields": null }""");
        var unrelated = await PatchAsync(client, path, """{ "jobTitle": "Buyer" }""");

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("customFields.source", (await ErrorsAsync(missing)).Keys);
        Assert.Equal(HttpStatusCode.BadRequest, nulled.StatusCode);
        Assert.Contains("customFields.source", (await ErrorsAsync(nulled)).Keys);
        Assert.Equal(HttpStatusCode.BadRequest, removed.StatusCode);
        Assert.Contains("customFields.source", (await ErrorsAsync(removed)).Keys);
        Assert.Equal(HttpStatusCode.BadRequest, cleared.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unrelated.StatusCode);
        Assert.Equal("Fair", (await ReadJsonAsync(unrelated)).GetProperty("customFields").GetProperty("source").GetString());
    }

    [Fact]
    public async Task A_field_made_required_later_does_not_block_patches_of_records_without_it()
    {
        var client = api.ClientFor(NewTenant());
        var field = await DefineAsync(client, new { entity = "person", key = "region", label = "Region", type = "text" });
        var person = await CreatePersonAsync(client, new { lastName = "Older" });
        await PatchAsync(client, $"{Fields}/{field.GetProperty("id")}", """{ "required": true }""");

        var patch = await PatchAsync(client, $"/api/v1/people/{person.GetProperty("id")}", """{ "jobTitle": "Still editable" }""");
        var newPerson = await client.PostAsJsonAsync("/api/v1/people", new { lastName = "Newer" }, Token);

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, newPerson.StatusCode);
        Assert.Contains("customFields.region", (await ErrorsAsync(newPerson)).Keys);
    }

    [Fact]
    public async Task Patch_merges_per_key_null_removes_one_and_an_unchanged_value_keeps_the_version()
    {
        var client = api.ClientFor(NewTenant());
        await DefineOneOfEachAsync(client, "person");
        var person = await CreatePersonAsync(client, new { lastName = "Merged", customFields = new { nickname = "Ada", score = 1, vip = false } });
        var path = $"/api/v1/people/{person.GetProperty("id")}";

        var merged = await PatchAsync(client, path, """{ "customFields": { "score": 2, "vip": null, "tier": "SILVER" } }""", ifMatch: "\"1\"");
        var unchanged = await PatchAsync(client, path, """{ "customFields": { "score": 2.00, "nickname": "Ada" } }""");
        var cleared = await PatchAsync(client, path, """{ "customFields": null, "firstName": "Ada" }""", "application/json");

        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var values = (await ReadJsonAsync(merged)).GetProperty("customFields");
        Assert.Equal(["nickname", "score", "tier"], values.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Ada", values.GetProperty("nickname").GetString());
        Assert.Equal(2, values.GetProperty("score").GetDecimal());
        Assert.Equal("Silver", values.GetProperty("tier").GetString());
        Assert.Equal(2, (await ReadJsonAsync(unchanged)).GetProperty("version").GetInt64());
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var stored = await ReadJsonAsync(await client.GetAsync(path, Token));
        Assert.Empty(stored.GetProperty("customFields").EnumerateObject());
        Assert.Equal("Ada", stored.GetProperty("firstName").GetString());
        Assert.Equal(3, stored.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Custom_fields_that_are_not_an_object_are_a_400_naming_them()
    {
        var client = api.ClientFor(NewTenant());
        var person = await CreatePersonAsync(client, new { lastName = "Shape" });

        var create = await PostJsonAsync(client, "/api/v1/people", """{ "lastName": "Shape", "customFields": [1] }""");
        var patch = await PatchAsync(client, $"/api/v1/people/{person.GetProperty("id")}", """{ "customFields": "x" }""");

        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Contains("customFields", (await ErrorsAsync(create)).Keys);
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        Assert.Contains("customFields", (await ErrorsAsync(patch)).Keys);
    }

    [Fact]
    public async Task Company_values_are_validated_merged_per_key_and_separate_from_people_fields()
    {
        var client = api.ClientFor(NewTenant());
        await DefineOneOfEachAsync(client, "company");
        await DefineAsync(client, new { entity = "person", key = "personOnly", label = "Person only", type = "text" });

        var company = await CreateCompanyAsync(client, new { name = "Acme", customFields = new { score = 7, since = "2020-01-01" } });
        var path = $"/api/v1/companies/{company.GetProperty("id")}";
        var merged = await PatchAsync(client, path, """{ "customFields": { "since": null, "vip": true } }""");
        var personField = await PatchAsync(client, path, """{ "customFields": { "personOnly": "x" } }""");

        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var values = (await ReadJsonAsync(merged)).GetProperty("customFields");
        Assert.Equal(7, values.GetProperty("score").GetDecimal());
        Assert.True(values.GetProperty("vip").GetBoolean());
        Assert.False(values.TryGetProperty("since", out _));
        Assert.Equal(HttpStatusCode.BadRequest, personField.StatusCode);
        Assert.Contains("customFields.personOnly", (await ErrorsAsync(personField)).Keys);
    }

    [Fact]
    public async Task A_batch_checks_each_item_against_the_fields_and_stores_the_valid_ones()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        await DefineOneOfEachAsync(client, "person");

        var response = await client.PostAsJsonAsync("/api/v1/people/batch", new
        {
            items = new object[]
            {
                new { lastName = "Good", customFields = new { score = 3, tier = "bronze" } },
                new { lastName = "Bad number", customFields = new { score = "three" } },
                new { lastName = "Bad date", customFields = new { since = "yesterday" } },
                new { lastName = "Bad choice", customFields = new { tier = "Iron" } },
                new { lastName = "Unknown", customFields = new { shoeSize = 42 } },
            },
        }, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await ReadJsonAsync(response)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([201, 400, 400, 400, 400], items.Select(i => i.GetProperty("status").GetInt32()));
        Assert.Equal("Bronze", items[0].GetProperty("person").GetProperty("customFields").GetProperty("tier").GetString());
        Assert.True(items[1].GetProperty("errors").TryGetProperty("customFields.score", out _));
        Assert.True(items[2].GetProperty("errors").TryGetProperty("customFields.since", out _));
        Assert.True(items[3].GetProperty("errors").TryGetProperty("customFields.tier", out _));
        Assert.True(items[4].GetProperty("errors").TryGetProperty("customFields.shoeSize", out _));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
    }

    [Fact]
    public async Task A_batch_reads_the_fields_once_for_all_its_items()
    {
        var tenant = NewTenant();
        await DefineAsync(api.ClientFor(tenant), new { entity = "person", key = "score", label = "Score", type = "number" });
        var reads = new FieldReads();
        await using var counted = api.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.ConfigureDbContext<ContactsDb>(options => options.AddInterceptors(reads))));
        var client = counted.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", api.Token(tenant));

        var response = await client.PostAsJsonAsync("/api/v1/people/batch", new
        {
            items = Enumerable.Range(0, 20).Select(i => new { lastName = $"Batch {i}", customFields = new { score = i } }).ToArray(),
        }, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All((await ReadJsonAsync(response)).GetProperty("items").EnumerateArray(), item => Assert.Equal(201, item.GetProperty("status").GetInt32()));
        Assert.Equal(1, reads.Count);
    }

    [Fact]
    public async Task Events_carry_the_values_and_a_change_of_values_publishes_an_update()
    {
        var client = api.ClientFor(NewTenant());
        await DefineOneOfEachAsync(client, "person");
        await DefineAsync(client, new { entity = "company", key = "segment", label = "Segment", type = "text" });
        var person = await CreatePersonAsync(client, new { lastName = "Evented", customFields = new { score = 9.5m, tier = "Gold", since = "2023-05-01" } });
        var id = person.GetProperty("id").GetGuid().ToString();
        await PatchAsync(client, $"/api/v1/people/{id}", """{ "customFields": { "vip": true } }""");
        var company = await CreateCompanyAsync(client, new { name = "Evented Ltd", customFields = new { segment = "smb" } });

        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString, EventsWithValues, "CrmCloud.Contracts.Contacts.ContactCreated", "personId", id, "contact",
            """{ "score": 9.5, "tier": "Gold", "since": "2023-05-01" }"""));
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString, EventsWithValues, "CrmCloud.Contracts.Contacts.ContactUpdated", "personId", id, "contact",
            """{ "score": 9.5, "vip": true }"""));
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString, EventsWithValues, "CrmCloud.Contracts.Contacts.CompanyCreated", "companyId", company.GetProperty("id").GetGuid().ToString(), "company",
            """{ "segment": "smb" }"""));
    }

    [Fact]
    public void An_event_written_before_custom_fields_existed_still_reads()
    {
        var older = JsonSerializer.Deserialize<Contracts.Contacts.ContactCreated>(
            """{ "tenantId": "t", "personId": "0195f4d6-0000-7000-8000-000000000001", "version": 1, "contact": { "firstName": "A", "lastName": "B" }, "occurredAt": "2026-01-01T00:00:00Z" }""",
            JsonSerializerOptions.Web);

        Assert.NotNull(older);
        Assert.Null(older.Contact.CustomFields);
    }

    [Fact]
    public async Task The_export_holds_the_values_and_erasure_removes_them_with_the_person()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        await DefineOneOfEachAsync(client, "person");
        var person = await CreatePersonAsync(client, new { lastName = "Private", customFields = new { nickname = "Secret name", score = 3 } });
        var id = person.GetProperty("id").GetGuid();

        var export = await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{id}/export", Token));
        var erase = await client.PostAsync($"/api/v1/people/{id}/erase", null, Token);

        Assert.Equal("Secret name", export.GetProperty("person").GetProperty("customFields").GetProperty("nickname").GetString());
        Assert.Equal(HttpStatusCode.NoContent, erase.StatusCode);
        Assert.Equal(0, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1 AND custom_fields::text LIKE '%Secret name%'", tenant));
        Assert.Equal(0, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND payload::text LIKE '%Secret name%'", tenant));
    }

    private static async Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return await client.PostAsync(path, content, Token);
    }

    /// <summary>Counts the queries that read the custom field definitions.</summary>
    private sealed class FieldReads : DbCommandInterceptor
    {
        private int _count;

        public int Count => _count;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("FROM custom_fields", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }

            return ValueTask.FromResult(result);
        }
    }
}
