using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

public sealed class ConsentTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private const string ConsentChanged = "CrmCloud.Contracts.Contacts.ConsentChanged";

    private static readonly object OptIn = new { status = "opted-in", source = "web-form", lawfulBasis = "consent" };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_persons_export_holds_their_consents_and_every_change()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        await PutAsync(client, person, "email", OptIn);
        await PutAsync(client, person, "email", new { status = "opted-out", source = "manual" });

        var consents = (await GetJsonAsync(client, $"/api/v1/people/{person}/export")).GetProperty("consents");

        var current = Assert.Single(consents.GetProperty("current").EnumerateArray());
        Assert.Equal("opted-out", current.GetProperty("status").GetString());
        Assert.Equal(["opted-in", "opted-out"], consents.GetProperty("history").EnumerateArray().Select(change => change.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Opting_in_then_out_keeps_the_latest_state_and_both_changes_in_order()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);

        var optIn = await PutAsync(client, person, "email", OptIn);
        var optOut = await PutAsync(client, person, "email", new { status = "opted-out", source = "manual" });

        Assert.Equal(HttpStatusCode.OK, optIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, optOut.StatusCode);
        Assert.Equal("\"2\"", optOut.Headers.ETag?.Tag);
        var current = await ReadJsonAsync(optOut);
        Assert.Equal("email", current.GetProperty("channel").GetString());
        Assert.Equal("opted-out", current.GetProperty("status").GetString());
        Assert.Equal("manual", current.GetProperty("source").GetString());
        Assert.False(current.TryGetProperty("lawfulBasis", out _));
        Assert.Equal(2, current.GetProperty("version").GetInt64());

        var consents = await GetJsonAsync(client, $"/api/v1/people/{person}/consents");
        var item = Assert.Single(consents.GetProperty("items").EnumerateArray());
        Assert.Equal("opted-out", item.GetProperty("status").GetString());
        Assert.Equal("developer", item.GetProperty("changedBy").GetString());

        var history = (await GetJsonAsync(client, $"/api/v1/people/{person}/consents/history")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["opted-in", "opted-out"], history.Select(change => change.GetProperty("status").GetString()));
        Assert.Equal("consent", history[0].GetProperty("lawfulBasis").GetString());
        Assert.Equal("web-form", history[0].GetProperty("source").GetString());
        Assert.All(history, change => Assert.Equal("developer", change.GetProperty("changedBy").GetString()));
        Assert.All(history, change => Assert.EndsWith("Z", change.GetProperty("changedAt").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_channel_has_its_own_consent_and_unset_channels_are_absent()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        var before = await GetJsonAsync(client, $"/api/v1/people/{person}/consents");

        await PutAsync(client, person, "phone", new { status = "opted-out", source = "api" });
        await PutAsync(client, person, "email", OptIn);
        var after = await GetJsonAsync(client, $"/api/v1/people/{person}/consents");

        Assert.Empty(before.GetProperty("items").EnumerateArray());
        Assert.Equal(
            [("email", "opted-in"), ("phone", "opted-out")],
            after.GetProperty("items").EnumerateArray().Select(item => (item.GetProperty("channel").GetString(), item.GetProperty("status").GetString())));
    }

    [Fact]
    public async Task A_stated_change_time_is_kept()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        var changedAt = new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.FromHours(2));

        var response = await PutAsync(client, person, "sms", new { status = "opted-in", source = "import", lawfulBasis = "legitimate-interest", changedAt });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var consent = await ReadJsonAsync(response);
        Assert.Equal("2025-03-01T07:30:00Z", consent.GetProperty("changedAt").GetString());
        Assert.Equal("legitimate-interest", consent.GetProperty("lawfulBasis").GetString());
    }

    public static TheoryData<string, string> InvalidChanges => new()
    {
        { """{ "source": "web-form", "lawfulBasis": "consent" }""", "status" },
        { """{ "status": "maybe", "source": "web-form", "lawfulBasis": "consent" }""", "status" },
        { """{ "status": "opted-in", "lawfulBasis": "consent" }""", "source" },
        { """{ "status": "opted-out", "source": "   " }""", "source" },
        { $$"""{ "status": "opted-out", "source": "{{new string('x', 101)}}" }""", "source" },
        { """{ "status": "opted-in", "source": "web-form" }""", "lawfulBasis" },
        { """{ "status": "opted-in", "source": "web-form", "lawfulBasis": "because" }""", "lawfulBasis" },
        { $$"""{ "status": "opted-out", "source": "api", "changedAt": "{{DateTimeOffset.UtcNow.AddDays(1):O}}" }""", "changedAt" },
        { """{ "status": "opted-out", "source": "api", "changedAt": "yesterday" }""", "changedAt" },
    };

    [Theory]
    [MemberData(nameof(InvalidChanges))]
    public async Task An_invalid_change_is_a_validation_problem_naming_the_field_and_writes_nothing(string json, string field)
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var person = await NewPersonAsync(client);

        var response = await PutRawAsync(client, $"/api/v1/people/{person}/consents/email", json);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"The problem should name {field}: {problem}");
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task Opting_out_needs_no_lawful_basis()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);

        var response = await PutAsync(client, person, "email", new { status = "opted-out", source = "manual" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_change_older_than_the_current_consent_is_refused_naming_changed_at()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var person = await NewPersonAsync(client);
        await PutAsync(client, person, "email", new { status = "opted-out", source = "web-form", changedAt = DateTimeOffset.UtcNow.AddDays(-1) });

        var response = await PutAsync(client, person, "email", new { status = "opted-in", source = "import", lawfulBasis = "consent", changedAt = DateTimeOffset.UtcNow.AddDays(-30) });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("changedAt", out _));
        var current = Assert.Single((await GetJsonAsync(client, $"/api/v1/people/{person}/consents")).GetProperty("items").EnumerateArray());
        Assert.Equal("opted-out", current.GetProperty("status").GetString());
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM consent_changes WHERE tenant_id = $1", tenant));
    }

    [Fact]
    public async Task An_unknown_channel_is_a_404_problem_on_put_and_a_400_naming_channel_on_history()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var person = await NewPersonAsync(client);

        var put = await PutAsync(client, person, "fax", OptIn);
        var upperCase = await PutAsync(client, person, "EMAIL", OptIn);
        var history = await client.GetAsync($"/api/v1/people/{person}/consents/history?channel=fax", Token);

        await AssertProblemAsync(put, HttpStatusCode.NotFound);
        await AssertProblemAsync(upperCase, HttpStatusCode.NotFound);
        var problem = await AssertProblemAsync(history, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("channel", out _));
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task An_unknown_person_is_a_404_problem()
    {
        var client = api.ClientFor(NewTenant());
        var nobody = Guid.CreateVersion7();

        await AssertProblemAsync(await client.GetAsync($"/api/v1/people/{nobody}/consents", Token), HttpStatusCode.NotFound);
        await AssertProblemAsync(await PutAsync(client, nobody, "email", OptIn), HttpStatusCode.NotFound);
        await AssertProblemAsync(await client.GetAsync($"/api/v1/people/{nobody}/consents/history", Token), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_tenant_cannot_read_or_change_a_persons_consent()
    {
        var owner = api.ClientFor(NewTenant());
        var strangerTenant = NewTenant();
        var stranger = api.ClientFor(strangerTenant);
        var person = await NewPersonAsync(owner);
        await PutAsync(owner, person, "email", OptIn);

        var get = await stranger.GetAsync($"/api/v1/people/{person}/consents", Token);
        var put = await PutAsync(stranger, person, "email", new { status = "opted-out", source = "api" });
        var history = await stranger.GetAsync($"/api/v1/people/{person}/consents/history", Token);

        await AssertProblemAsync(get, HttpStatusCode.NotFound);
        await AssertProblemAsync(put, HttpStatusCode.NotFound);
        await AssertProblemAsync(history, HttpStatusCode.NotFound);
        await AssertNothingWrittenAsync(strangerTenant);
        var mine = Assert.Single((await GetJsonAsync(owner, $"/api/v1/people/{person}/consents")).GetProperty("items").EnumerateArray());
        Assert.Equal("opted-in", mine.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Restating_the_current_consent_writes_no_history_and_no_event()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        var first = await ReadJsonAsync(await PutAsync(client, person, "email", OptIn));

        var again = await PutAsync(client, person, "email", OptIn);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var current = await ReadJsonAsync(again);
        Assert.Equal(1, current.GetProperty("version").GetInt64());
        Assert.Equal(first.GetProperty("changedAt").GetString(), current.GetProperty("changedAt").GetString());
        Assert.Equal(1, await CountChangesAsync(person));
        Assert.Equal(1, await CountEventsAsync(person));
    }

    [Fact]
    public async Task Each_change_publishes_consent_changed_through_the_outbox()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);

        await PutAsync(client, person, "email", OptIn);
        await PutAsync(client, person, "email", new { status = "opted-out", source = "manual" });

        Assert.Equal(2, await CountEventsAsync(person));
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'personId' = $2 AND payload->>'channel' = 'email' AND payload->>'status' = 'opted-out' AND payload->>'source' = 'manual' AND payload->>'changedAt' IS NOT NULL",
            ConsentChanged,
            person.ToString()));
        await Eventually.Until(
            async () => await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'personId' = $2 AND sent_at IS NOT NULL", ConsentChanged, person.ToString()) == 2,
            TimeSpan.FromSeconds(30),
            "both ConsentChanged outbox rows to be confirmed by the broker");
    }

    [Fact]
    public async Task History_pages_through_every_change_once_with_a_cursor_and_filters_by_channel()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        var statuses = new[] { "opted-in", "opted-out", "opted-in", "opted-out", "opted-in" };
        foreach (var status in statuses)
        {
            await PutAsync(client, person, "email", new { status, source = "api", lawfulBasis = "consent" });
        }

        await PutAsync(client, person, "sms", new { status = "opted-out", source = "api" });

        var seen = new List<JsonElement>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var url = $"/api/v1/people/{person}/consents/history?channel=email&limit=2" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await GetJsonAsync(client, url);
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(statuses, seen.Select(change => change.GetProperty("status").GetString()));
        Assert.All(seen, change => Assert.Equal("email", change.GetProperty("channel").GetString()));
        Assert.Equal(seen.Count, seen.Select(change => change.GetProperty("id").GetGuid()).Distinct().Count());
        var all = await GetJsonAsync(client, $"/api/v1/people/{person}/consents/history");
        Assert.Equal(6, all.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_stale_if_match_is_rejected_with_412_and_changes_nothing()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        await PutAsync(client, person, "email", OptIn);
        await PutAsync(client, person, "email", new { status = "opted-out", source = "manual" });

        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/people/{person}/consents/email") { Content = JsonContent.Create(OptIn) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var response = await client.SendAsync(request, Token);

        await AssertProblemAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, await CountChangesAsync(person));
    }

    [Fact]
    public async Task Deleting_the_person_removes_their_consents_and_history()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        await PutAsync(client, person, "email", OptIn);
        await PutAsync(client, person, "sms", new { status = "opted-out", source = "manual" });

        var delete = await client.DeleteAsync($"/api/v1/people/{person}", Token);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM consents WHERE person_id = $1", person));
        Assert.Equal(0, await CountChangesAsync(person));
    }

    [Fact]
    public async Task A_read_only_caller_can_read_consent_but_not_change_it()
    {
        var tenant = NewTenant();
        var person = await NewPersonAsync(api.ClientFor(tenant));
        var reader = api.ClientFor(tenant, CrmCloud.ServiceDefaults.Security.Scopes.Read("contacts"));

        var read = await reader.GetAsync($"/api/v1/people/{person}/consents", Token);
        var write = await PutAsync(reader, person, "email", OptIn);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_consent_routes_and_values()
    {
        var document = await api.CreateClient().GetStringAsync("/openapi/v1.json", Token);

        Assert.Contains("/api/v1/people/{id}/consents/{channel}", document, StringComparison.Ordinal);
        Assert.Contains("/api/v1/people/{id}/consents/history", document, StringComparison.Ordinal);
        Assert.Contains("\"opted-in\"", document, StringComparison.Ordinal);
        Assert.Contains("\"legitimate-interest\"", document, StringComparison.Ordinal);
    }

    private static async Task<Guid> NewPersonAsync(HttpClient client) =>
        (await CreatePersonAsync(client, new { lastName = "Consenting", email = "person@example.com" })).GetProperty("id").GetGuid();

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, Guid person, string channel, object body) =>
        client.PutAsJsonAsync($"/api/v1/people/{person}/consents/{channel}", body, Token);

    private static async Task<HttpResponseMessage> PutRawAsync(HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PutAsync(path, content, Token);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await ReadJsonAsync(response);
    }

    /// <summary>No consent, no history row and no ConsentChanged event stored for the tenant.</summary>
    private async Task AssertNothingWrittenAsync(string tenant)
    {
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM consents WHERE tenant_id = $1", tenant));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM consent_changes WHERE tenant_id = $1", tenant));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND message_type = $2", tenant, ConsentChanged));
    }

    private Task<long> CountChangesAsync(Guid person) =>
        Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM consent_changes WHERE person_id = $1", person);

    private Task<long> CountEventsAsync(Guid person) =>
        Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'personId' = $2", ConsentChanged, person.ToString());
}
