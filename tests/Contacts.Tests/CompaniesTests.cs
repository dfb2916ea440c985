using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

public sealed class CompaniesTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private const string EventsOfCompany = "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'companyId' = $2";

    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    [Fact]
    public async Task Create_returns_201_with_location_etag_and_the_normalised_company()
    {
        var response = await Client.PostAsJsonAsync(
            "/api/v1/companies",
            new
            {
                name = " Acme Ltd ",
                domain = "Acme.Example.COM",
                industry = "Manufacturing",
                size = "51-200",
                phone = "+44 20 7946 0001",
                address = new { street = "1 High Street", city = "London", postalCode = "EC1A 1AA", country = "gb" },
                relationship = "customer",
                ownerId = "user-42",
                tags = new List<string> { " vip ", "VIP", "emea" },
            },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var company = await ReadJsonAsync(response);
        var id = company.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/companies/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(7, id.Version);
        Assert.Equal("Acme Ltd", company.GetProperty("name").GetString());
        Assert.Equal("acme.example.com", company.GetProperty("domain").GetString());
        Assert.Equal("51-200", company.GetProperty("size").GetString());
        Assert.Equal("customer", company.GetProperty("relationship").GetString());
        Assert.Equal("GB", company.GetProperty("address").GetProperty("country").GetString());
        Assert.False(company.GetProperty("address").TryGetProperty("region", out _));
        Assert.Equal(["vip", "emea"], company.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString()));
        Assert.Equal(1, company.GetProperty("version").GetInt64());
        Assert.EndsWith("Z", company.GetProperty("updatedAt").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_returns_the_stored_company_with_its_etag()
    {
        var created = await CreateCompanyAsync(Client, new { name = "Globex", size = "5001+", address = new { city = "Springfield", country = "US" } });

        var response = await Client.GetAsync($"/api/v1/companies/{created.GetProperty("id")}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var company = await ReadJsonAsync(response);
        Assert.Equal("Globex", company.GetProperty("name").GetString());
        Assert.Equal("5001+", company.GetProperty("size").GetString());
        Assert.Equal("Springfield", company.GetProperty("address").GetProperty("city").GetString());
        Assert.Empty(company.GetProperty("tags").EnumerateArray());
        Assert.False(company.TryGetProperty("domain", out _), "An absent value is left out, not written as null.");
    }

    [Fact]
    public async Task A_caller_supplied_id_is_kept_and_reusing_it_is_a_conflict()
    {
        var id = Guid.CreateVersion7();
        var first = await Client.PostAsJsonAsync("/api/v1/companies", new { id, name = "Imported" }, TestContext.Current.CancellationToken);
        var second = await Client.PostAsJsonAsync("/api/v1/companies", new { id, name = "Imported again" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(id, (await ReadJsonAsync(first)).GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, EventsOfCompany, "CrmCloud.Contracts.Contacts.CompanyCreated", id.ToString()));
    }

    [Fact]
    public async Task Patch_merges_the_address_part_by_part_replaces_tags_and_null_clears_the_address()
    {
        var created = await CreateCompanyAsync(Client, new
        {
            name = "Initech",
            address = new { street = "4120 Freidrich Lane", city = "Austin", country = "US" },
            tags = new List<string> { "old", "legacy" },
        });
        var path = $"/api/v1/companies/{created.GetProperty("id")}";

        var merged = await PatchAsync(Client, path, """{ "address": { "city": "Dallas", "region": "TX" }, "tags": ["new"], "relationship": "prospect" }""");
        var cleared = await PatchAsync(Client, path, """{ "address": null, "tags": null }""", "application/json", ifMatch: "\"2\"");

        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var afterMerge = await ReadJsonAsync(merged);
        Assert.Equal("4120 Freidrich Lane", afterMerge.GetProperty("address").GetProperty("street").GetString());
        Assert.Equal("Dallas", afterMerge.GetProperty("address").GetProperty("city").GetString());
        Assert.Equal("TX", afterMerge.GetProperty("address").GetProperty("region").GetString());
        Assert.Equal(["new"], afterMerge.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString()));
        Assert.Equal("prospect", afterMerge.GetProperty("relationship").GetString());
        Assert.Equal("\"2\"", merged.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var stored = await ReadJsonAsync(await Client.GetAsync(path, TestContext.Current.CancellationToken));
        Assert.False(stored.TryGetProperty("address", out _));
        Assert.Empty(stored.GetProperty("tags").EnumerateArray());
        Assert.Equal("Initech", stored.GetProperty("name").GetString());
        Assert.Equal(3, stored.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_patch_that_changes_nothing_keeps_the_version_and_writes_no_event()
    {
        var id = (await CreateCompanyAsync(Client, new { name = "Stable", tags = new List<string> { "a" } })).GetProperty("id").GetGuid();

        var response = await PatchAsync(Client, $"/api/v1/companies/{id}", """{ "name": "Stable", "tags": ["a"] }""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await ReadJsonAsync(response)).GetProperty("version").GetInt64());
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, EventsOfCompany, "CrmCloud.Contracts.Contacts.CompanyUpdated", id.ToString()));
    }

    [Fact]
    public async Task Stale_if_match_is_rejected_with_412_and_changes_nothing()
    {
        var id = (await CreateCompanyAsync(Client, new { name = "Umbrella" })).GetProperty("id").GetGuid();
        await PatchAsync(Client, $"/api/v1/companies/{id}", """{ "industry": "Pharma" }""");

        var stalePatch = await PatchAsync(Client, $"/api/v1/companies/{id}", """{ "industry": "Stale" }""", ifMatch: "\"1\"");
        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/companies/{id}");
        staleDelete.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var deleteResponse = await Client.SendAsync(staleDelete, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.PreconditionFailed, stalePatch.StatusCode);
        Assert.Equal("application/problem+json", stalePatch.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.PreconditionFailed, deleteResponse.StatusCode);
        var company = await ReadJsonAsync(await Client.GetAsync($"/api/v1/companies/{id}", TestContext.Current.CancellationToken));
        Assert.Equal("Pharma", company.GetProperty("industry").GetString());
    }

    [Fact]
    public async Task Delete_removes_the_company()
    {
        var id = (await CreateCompanyAsync(Client, new { name = "Gone Inc" })).GetProperty("id").GetGuid();

        var delete = await Client.DeleteAsync($"/api/v1/companies/{id}", TestContext.Current.CancellationToken);
        var get = await Client.GetAsync($"/api/v1/companies/{id}", TestContext.Current.CancellationToken);
        var again = await Client.DeleteAsync($"/api/v1/companies/{id}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM companies WHERE id = $1", id));
    }

    [Fact]
    public async Task List_pages_through_every_company_once_and_filters_by_name_ignoring_case()
    {
        var created = new List<Guid>();
        foreach (var name in new[] { "Alpha", "Beta", "alpha", "Gamma", "Alpha Two" })
        {
            created.Add((await CreateCompanyAsync(Client, new { name })).GetProperty("id").GetGuid());
        }

        var seen = new List<Guid>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var url = cursor is null ? "/api/v1/companies?limit=2" : $"/api/v1/companies?limit=2&cursor={cursor}";
            var page = await ReadJsonAsync(await Client.GetAsync(url, TestContext.Current.CancellationToken));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid()));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null);
        var named = await ReadJsonAsync(await Client.GetAsync("/api/v1/companies?name=ALPHA", TestContext.Current.CancellationToken));
        var wildcard = await ReadJsonAsync(await Client.GetAsync("/api/v1/companies?name=Alpha%25", TestContext.Current.CancellationToken));

        Assert.Equal(3, pages);
        Assert.Equal(created, seen);
        Assert.Equal([created[0], created[2]], named.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid()));
        Assert.Empty(wildcard.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("""{ "domain": "example.com" }""", "name")]
    [InlineData("""{ "name": "   " }""", "name")]
    [InlineData("""{ "name": "Bad", "domain": "not a domain" }""", "domain")]
    [InlineData("""{ "name": "Bad", "domain": "https://example.com" }""", "domain")]
    [InlineData("""{ "name": "Bad", "domain": "localhost" }""", "domain")]
    [InlineData("""{ "name": "Bad", "address": { "country": "XX" } }""", "address.country")]
    [InlineData("""{ "name": "Bad", "address": { "country": "GBR" } }""", "address.country")]
    [InlineData("""{ "name": "Bad", "size": "10-20" }""", "size")]
    [InlineData("""{ "name": "Bad", "relationship": "friend" }""", "relationship")]
    [InlineData("""{ "name": "Bad", "phone": "call me" }""", "phone")]
    [InlineData("""{ "name": "Bad", "tags": ["ok", " "] }""", "tags[1]")]
    [InlineData("""{ "name": "Bad", "parentCompanyId": "not-a-uuid" }""", "parentCompanyId")]
    public async Task Invalid_input_is_a_validation_problem_naming_the_field_and_writes_nothing(string json, string field)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var response = await Client.PostAsync("/api/v1/companies", content, TestContext.Current.CancellationToken);

        var errors = await AssertValidationProblemAsync(response);
        Assert.True(errors.TryGetProperty(field, out _), $"Expected an error for {field}, got {errors}.");
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task More_than_50_distinct_tags_are_refused_but_duplicates_do_not_count()
    {
        var tooMany = Enumerable.Range(0, 51).Select(i => $"tag-{i}").ToArray();
        var duplicates = Enumerable.Range(0, 60).Select(i => i % 2 == 0 ? "Same" : "same").ToArray();

        var refused = await Client.PostAsJsonAsync("/api/v1/companies", new { name = "Tagged", tags = tooMany }, TestContext.Current.CancellationToken);
        var errors = await AssertValidationProblemAsync(refused);
        await AssertNothingWrittenAsync();
        var accepted = await CreateCompanyAsync(Client, new { name = "Tagged", tags = duplicates });

        Assert.True(errors.TryGetProperty("tags", out _));
        Assert.Equal(["Same"], accepted.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString()));
    }

    [Fact]
    public async Task A_patch_naming_read_only_unknown_or_invalid_fields_is_rejected_by_name_and_changes_nothing()
    {
        var id = (await CreateCompanyAsync(Client, new { name = "Patched" })).GetProperty("id").GetGuid();

        var response = await PatchAsync(
            Client,
            $"/api/v1/companies/{id}",
            """{ "version": 9, "createdAt": "2020-01-01T00:00:00Z", "address": { "planet": "Mars", "country": "ZZ" }, "size": "huge", "name": null }""");

        var errors = await AssertValidationProblemAsync(response);
        Assert.All(
            new List<string> { "version", "createdAt", "address.planet", "address.country", "size", "name" },
            field => Assert.True(errors.TryGetProperty(field, out _), $"Expected an error for {field}, got {errors}."));
        var company = await ReadJsonAsync(await Client.GetAsync($"/api/v1/companies/{id}", TestContext.Current.CancellationToken));
        Assert.Equal(1, company.GetProperty("version").GetInt64());
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, EventsOfCompany, "CrmCloud.Contracts.Contacts.CompanyUpdated", id.ToString()));
    }

    [Fact]
    public async Task Each_change_writes_its_company_event_in_the_same_transaction()
    {
        var id = (await CreateCompanyAsync(Client, new { name = "Evented", size = "11-50", relationship = "supplier", address = new { country = "DE" }, tags = new List<string> { "emea" } })).GetProperty("id").GetGuid();
        await PatchAsync(Client, $"/api/v1/companies/{id}", """{ "relationship": "partner" }""");
        await Client.DeleteAsync($"/api/v1/companies/{id}", TestContext.Current.CancellationToken);

        Assert.Equal(1, await CountEventsAsync("CrmCloud.Contracts.Contacts.CompanyCreated", id));
        Assert.Equal(1, await CountEventsAsync("CrmCloud.Contracts.Contacts.CompanyUpdated", id));
        Assert.Equal(1, await CountEventsAsync("CrmCloud.Contracts.Contacts.CompanyDeleted", id));
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            EventsOfCompany + " AND payload->'company'->>'size' = '11-50' AND payload->'company'->>'relationship' = 'partner' AND payload->'company'->'address'->>'country' = 'DE' AND payload->'company'->'tags' = '[\"emea\"]'::jsonb AND tenant_id = $3",
            "CrmCloud.Contracts.Contacts.CompanyUpdated",
            id.ToString(),
            _tenant));
    }

    [Fact]
    public async Task The_openapi_document_lists_the_size_and_relationship_values()
    {
        var document = await api.CreateClient().GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Contains("\"5001+\"", document, StringComparison.Ordinal);
        Assert.Contains("\"1-10\"", document, StringComparison.Ordinal);
        Assert.Contains("\"supplier\"", document, StringComparison.Ordinal);
        Assert.Contains("/api/v1/companies/{id}/people", document, StringComparison.Ordinal);
    }

    private Task<long> CountEventsAsync(string type, Guid companyId) =>
        Database.CountAsync(api.DatabaseConnectionString, EventsOfCompany, type, companyId.ToString());

    private static async Task<JsonElement> AssertValidationProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await ReadJsonAsync(response)).GetProperty("errors");
    }

    private async Task AssertNothingWrittenAsync()
    {
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM companies WHERE tenant_id = $1", _tenant));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1", _tenant));
    }
}
