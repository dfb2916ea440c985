using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

public sealed class ActivitiesTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_activity_is_created_read_listed_patched_and_deleted()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        var company = (await CreateCompanyAsync(client, new { name = "Acme" })).GetProperty("id").GetGuid();

        var created = await client.PostAsJsonAsync(
            "/api/v1/activities",
            new { type = "call", subject = "Intro call", direction = "outbound", occurredAt = "2026-05-01T12:00:00Z", personId = person, companyId = company, outcome = "Interested" },
            Token);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var activity = await ReadJsonAsync(created);
        var id = activity.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/activities/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("call", activity.GetProperty("type").GetString());
        Assert.Equal("outbound", activity.GetProperty("direction").GetString());
        Assert.Equal(person, activity.GetProperty("personId").GetGuid());
        Assert.Equal(company, activity.GetProperty("companyId").GetGuid());
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero), activity.GetProperty("occurredAt").GetDateTimeOffset());

        var read = await GetJsonAsync(client, $"/api/v1/activities/{id}");
        Assert.Equal("Intro call", read.GetProperty("subject").GetString());
        var listed = await GetJsonAsync(client, $"/api/v1/activities?companyId={company}&type=call");
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Empty((await GetJsonAsync(client, $"/api/v1/activities?companyId={company}&type=note")).GetProperty("items").EnumerateArray());

        var patched = await PatchAsync(client, $"/api/v1/activities/{id}", """{ "outcome": null, "body": "Call back in May." }""", ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var after = await ReadJsonAsync(patched);
        Assert.False(after.TryGetProperty("outcome", out _));
        Assert.Equal("Call back in May.", after.GetProperty("body").GetString());
        Assert.Equal(2, after.GetProperty("version").GetInt64());

        var deleted = await client.DeleteAsync($"/api/v1/activities/{id}", Token);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/activities/{id}", Token)).StatusCode);
    }

    [Fact]
    public async Task A_caller_may_supply_the_id_once()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        var id = Guid.CreateVersion7();

        var first = await client.PostAsJsonAsync("/api/v1/activities", new { id, type = "note", subject = "Imported", personId = person }, Token);
        var again = await client.PostAsJsonAsync("/api/v1/activities", new { id, type = "note", subject = "Imported", personId = person }, Token);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(id, (await ReadJsonAsync(first)).GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Theory]
    [InlineData("""{ "subject": "No type" }""", "type")]
    [InlineData("""{ "type": "note" }""", "subject")]
    [InlineData("""{ "type": "fax", "subject": "Bad type" }""", "type")]
    [InlineData("""{ "type": "note", "subject": "Directed note", "direction": "inbound" }""", "direction")]
    [InlineData("""{ "type": "meeting", "subject": "Done meeting", "done": true }""", "done")]
    public async Task Invalid_fields_are_named_and_nothing_is_written(string fields, string field)
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var person = await NewPersonAsync(client);
        var body = JsonSerializer.Deserialize<Dictionary<string, object>>(fields)!;
        body["personId"] = person;

        var response = await client.PostAsJsonAsync("/api/v1/activities", body, Token);

        await AssertInvalidAsync(response, field);
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task An_activity_needs_a_person_or_a_company()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);

        var response = await client.PostAsJsonAsync("/api/v1/activities", new { type = "note", subject = "About nobody" }, Token);

        await AssertInvalidAsync(response, "personId");
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task Another_tenants_person_or_company_is_named_as_missing()
    {
        var owner = api.ClientFor(NewTenant());
        var theirPerson = await NewPersonAsync(owner);
        var theirCompany = (await CreateCompanyAsync(owner, new { name = "Theirs" })).GetProperty("id").GetGuid();
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);

        var byPerson = await client.PostAsJsonAsync("/api/v1/activities", new { type = "note", subject = "Snooping", personId = theirPerson }, Token);
        var byCompany = await client.PostAsJsonAsync("/api/v1/activities", new { type = "note", subject = "Snooping", companyId = theirCompany }, Token);

        var problem = await AssertInvalidAsync(byPerson, "personId");
        Assert.DoesNotContain("tenant", problem.GetRawText(), StringComparison.OrdinalIgnoreCase);
        await AssertInvalidAsync(byCompany, "companyId");
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task Marking_a_task_done_sets_completedAt_and_reopening_clears_it()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        var task = await CreateActivityAsync(client, new { type = "task", subject = "Send the quote", personId = person, dueAt = "2026-06-01T09:00:00Z" });
        var id = task.GetProperty("id").GetGuid();
        Assert.False(task.GetProperty("done").GetBoolean());
        Assert.False(task.TryGetProperty("completedAt", out _));

        var done = await ReadJsonAsync(await PatchAsync(client, $"/api/v1/activities/{id}", """{ "done": true }"""));
        var reopened = await ReadJsonAsync(await PatchAsync(client, $"/api/v1/activities/{id}", """{ "done": false }"""));

        Assert.True(done.GetProperty("done").GetBoolean());
        Assert.True(done.GetProperty("completedAt").GetDateTimeOffset() >= task.GetProperty("createdAt").GetDateTimeOffset());
        Assert.False(reopened.GetProperty("done").GetBoolean());
        Assert.False(reopened.TryGetProperty("completedAt", out _));
        Assert.False((await GetJsonAsync(client, $"/api/v1/activities/{id}")).TryGetProperty("completedAt", out _));
    }

    [Fact]
    public async Task The_timeline_pages_newest_first_without_duplicates_or_gaps()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        var start = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var created = new List<Guid>();
        foreach (var day in new[] { 3, 0, 4, 1, 2 })
        {
            var activity = await CreateActivityAsync(client, new { type = "email", subject = $"Day {day}", personId = person, occurredAt = start.AddDays(day) });
            created.Add(activity.GetProperty("id").GetGuid());
        }

        var seen = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetJsonAsync(client, $"/api/v1/people/{person}/timeline?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items);
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.All(seen, item => Assert.Equal("activity", item.GetProperty("kind").GetString()));
        Assert.Equal(
            ["Day 4", "Day 3", "Day 2", "Day 1", "Day 0"],
            seen.Select(item => item.GetProperty("activity").GetProperty("subject").GetString()));
        Assert.Equal(created.Order(), seen.Select(item => item.GetProperty("activity").GetProperty("id").GetGuid()).Order());
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_bad_timeline_cursor_is_a_400_naming_the_cursor(string cursor)
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);

        var response = await client.GetAsync($"/api/v1/people/{person}/timeline?cursor={cursor}", Token);

        await AssertInvalidAsync(response, "cursor");
    }

    [Fact]
    public async Task Another_tenant_cannot_see_or_change_an_activity_or_timeline()
    {
        var owner = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(owner);
        var id = (await CreateActivityAsync(owner, new { type = "meeting", subject = "Private", personId = person })).GetProperty("id").GetGuid();
        var stranger = api.ClientFor(NewTenant());

        var get = await stranger.GetAsync($"/api/v1/activities/{id}", Token);
        var patch = await PatchAsync(stranger, $"/api/v1/activities/{id}", """{ "subject": "Mine" }""");
        var delete = await stranger.DeleteAsync($"/api/v1/activities/{id}", Token);
        var timeline = await stranger.GetAsync($"/api/v1/people/{person}/timeline", Token);
        var list = await GetJsonAsync(stranger, $"/api/v1/activities?personId={person}");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, timeline.StatusCode);
        Assert.Equal("application/problem+json", timeline.Content.Headers.ContentType?.MediaType);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        Assert.Equal("Private", (await GetJsonAsync(owner, $"/api/v1/activities/{id}")).GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Stale_if_match_is_rejected_with_412()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        var id = (await CreateActivityAsync(client, new { type = "chat", subject = "Chat", personId = person })).GetProperty("id").GetGuid();
        await PatchAsync(client, $"/api/v1/activities/{id}", """{ "subject": "Chat 2" }""", ifMatch: "\"1\"");

        var stale = await PatchAsync(client, $"/api/v1/activities/{id}", """{ "subject": "Chat 3" }""", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("Chat 2", (await GetJsonAsync(client, $"/api/v1/activities/{id}")).GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Deleting_a_person_removes_their_activities()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var person = await NewPersonAsync(client);
        var company = (await CreateCompanyAsync(client, new { name = "Stays" })).GetProperty("id").GetGuid();
        await CreateActivityAsync(client, new { type = "note", subject = "About them", personId = person, companyId = company });
        await CreateActivityAsync(client, new { type = "call", subject = "With them", personId = person });
        await CreateActivityAsync(client, new { type = "note", subject = "About the company", companyId = company });

        var deleted = await client.DeleteAsync($"/api/v1/people/{person}", Token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM activities WHERE person_id = $1", person));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM activities WHERE tenant_id = $1", tenant));
    }

    [Fact]
    public async Task A_persons_export_holds_their_activities()
    {
        var client = api.ClientFor(NewTenant());
        var person = await NewPersonAsync(client);
        var other = await NewPersonAsync(client);
        await CreateActivityAsync(client, new { type = "meeting", subject = "Kick-off", personId = person, occurredAt = "2026-04-01T10:00:00Z" });
        await CreateActivityAsync(client, new { type = "task", subject = "Follow up", personId = person, occurredAt = "2026-04-02T10:00:00Z" });
        await CreateActivityAsync(client, new { type = "note", subject = "Someone else", personId = other });

        var export = await GetJsonAsync(client, $"/api/v1/people/{person}/export");

        Assert.Equal(
            ["Follow up", "Kick-off"],
            export.GetProperty("activities").EnumerateArray().Select(activity => activity.GetProperty("subject").GetString()));
    }

    private static async Task<Guid> NewPersonAsync(HttpClient client) =>
        (await CreatePersonAsync(client, new { firstName = "Grace", lastName = "Hopper" })).GetProperty("id").GetGuid();

    private static async Task<JsonElement> CreateActivityAsync(HttpClient client, object activity)
    {
        var response = await client.PostAsJsonAsync("/api/v1/activities", activity, Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    private static async Task<JsonElement> AssertInvalidAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        return problem;
    }

    private async Task AssertNothingWrittenAsync(string tenant) =>
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM activities WHERE tenant_id = $1", tenant));
}
