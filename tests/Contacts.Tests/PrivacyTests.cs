using System.Net;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

public sealed class PrivacyTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private const string Erased = "CrmCloud.Contracts.Contacts.ContactErased";

    private readonly HttpClient _client = api.ClientFor(NewTenant());

    [Fact]
    public async Task Export_holds_the_person_with_every_field_and_their_company()
    {
        var companyId = (await CreateCompanyAsync(_client, new { name = "Analytical Engines Ltd" })).GetProperty("id").GetGuid();
        var created = await CreatePersonAsync(_client, new
        {
            firstName = "Ada", lastName = "Lovelace", email = "ada@example.com", phone = "+44 20 7946 0000", jobTitle = "Analyst", companyId,
        });
        var id = created.GetProperty("id").GetGuid();

        var stored = await ReadJsonAsync(await _client.GetAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken));

        var response = await _client.GetAsync($"/api/v1/people/{id}/export", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var export = await ReadJsonAsync(response);
        Assert.Equal(stored.GetRawText(), export.GetProperty("person").GetRawText());
        Assert.Equal("Analyst", export.GetProperty("person").GetProperty("jobTitle").GetString());
        Assert.Equal(companyId, export.GetProperty("company").GetProperty("id").GetGuid());
        Assert.Equal("Analytical Engines Ltd", export.GetProperty("company").GetProperty("name").GetString());
        Assert.EndsWith("Z", export.GetProperty("exportedAt").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_of_a_person_without_a_company_leaves_the_company_out()
    {
        var id = (await CreatePersonAsync(_client, new { lastName = "Solo" })).GetProperty("id").GetGuid();

        var export = await ReadJsonAsync(await _client.GetAsync($"/api/v1/people/{id}/export", TestContext.Current.CancellationToken));

        Assert.Equal("Solo", export.GetProperty("person").GetProperty("lastName").GetString());
        Assert.False(export.TryGetProperty("company", out _));
    }

    [Fact]
    public async Task Erase_removes_the_person_and_every_event_that_carried_their_details()
    {
        var id = (await CreatePersonAsync(_client, new { firstName = "Erin", lastName = "Erased", email = "erin@example.com" })).GetProperty("id").GetGuid();
        var patched = await PatchAsync(_client, $"/api/v1/people/{id}", """{ "jobTitle": "Analyst" }""");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var erased = await _client.PostAsync($"/api/v1/people/{id}/erase", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM people WHERE id = $1", id));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM outbox_messages WHERE payload->>'personId' = $1 AND message_type <> $2", id.ToString(), Erased));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM outbox_messages WHERE payload::text LIKE '%erin@example.com%'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox_messages WHERE payload->>'personId' = $1 AND message_type = $2 AND payload->>'version' = '3'", id.ToString(), Erased));
    }

    [Fact]
    public async Task Erase_of_a_person_whose_events_were_already_sent_removes_them_too()
    {
        var id = (await CreatePersonAsync(_client, new { lastName = "Sent" })).GetProperty("id").GetGuid();
        await Eventually.Until(
            async () => await CountAsync("SELECT count(*) FROM outbox_messages WHERE payload->>'personId' = $1 AND sent_at IS NOT NULL", id.ToString()) == 1,
            TimeSpan.FromSeconds(30),
            "the ContactCreated outbox row to be sent");

        var erased = await _client.PostAsync($"/api/v1/people/{id}/erase", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox_messages WHERE payload->>'personId' = $1", id.ToString()));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox_messages WHERE payload->>'personId' = $1 AND message_type = $2", id.ToString(), Erased));
    }

    [Fact]
    public async Task Another_tenant_can_neither_export_nor_erase_a_person()
    {
        var stranger = api.ClientFor(NewTenant());
        var id = (await CreatePersonAsync(_client, new { lastName = "Private" })).GetProperty("id").GetGuid();

        var export = await stranger.GetAsync($"/api/v1/people/{id}/export", TestContext.Current.CancellationToken);
        var erase = await stranger.PostAsync($"/api/v1/people/{id}/erase", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, export.StatusCode);
        Assert.Equal("application/problem+json", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, erase.StatusCode);
        Assert.Equal("application/problem+json", erase.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox_messages WHERE payload->>'personId' = $1", id.ToString()));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM outbox_messages WHERE payload->>'personId' = $1 AND message_type = $2", id.ToString(), Erased));
    }

    [Fact]
    public async Task Erase_of_an_unknown_person_is_a_404_problem()
    {
        var id = Guid.CreateVersion7();

        var erase = await _client.PostAsync($"/api/v1/people/{id}/erase", null, TestContext.Current.CancellationToken);
        var export = await _client.GetAsync($"/api/v1/people/{id}/export", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, erase.StatusCode);
        Assert.Equal("application/problem+json", erase.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, export.StatusCode);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM outbox_messages WHERE payload->>'personId' = $1", id.ToString()));
    }

    [Fact]
    public async Task A_read_only_caller_cannot_erase()
    {
        var tenant = NewTenant();
        var id = (await CreatePersonAsync(api.ClientFor(tenant), new { lastName = "Kept" })).GetProperty("id").GetGuid();
        var reader = api.ClientFor(tenant, CrmCloud.ServiceDefaults.Security.Scopes.Read("contacts"));

        var erase = await reader.PostAsync($"/api/v1/people/{id}/erase", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, erase.StatusCode);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM people WHERE id = $1", id));
    }

    [Fact]
    public async Task The_openapi_document_says_erasure_is_irreversible_and_lists_its_outcomes()
    {
        var document = await ReadJsonAsync(await api.CreateClient().GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken));

        var erase = document.GetProperty("paths").GetProperty("/api/v1/people/{id}/erase").GetProperty("post");
        Assert.Contains("irreversible", erase.GetProperty("summary").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(erase.GetProperty("responses").TryGetProperty("204", out _));
        Assert.True(erase.GetProperty("responses").TryGetProperty("404", out _));
        var export = document.GetProperty("paths").GetProperty("/api/v1/people/{id}/export").GetProperty("get");
        Assert.True(export.GetProperty("responses").TryGetProperty("404", out _));
    }

    private Task<long> CountAsync(string sql, params object[] parameters) =>
        Database.CountAsync(api.DatabaseConnectionString, sql, parameters);
}
