using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

public sealed class MergeTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private readonly string _tenant = NewTenant();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private HttpClient Client => api.ClientFor(_tenant);

    [Fact]
    public async Task The_survivor_keeps_its_fields_takes_the_missing_ones_and_combines_lists()
    {
        var survivor = await CreatePersonAsync(Client, new { firstName = "Ada", lastName = "Lovelace", email = "ada@one.example.com", tags = new List<string> { "vip" } });
        var duplicate = await CreatePersonAsync(Client, new
        {
            firstName = "Augusta",
            lastName = "Byron",
            emails = new[] { new { address = "ADA@one.example.com" }, new { address = "ada@two.example.com" } },
            phone = "+44 20 7946 0000",
            jobTitle = "Analyst",
            lifecycleStage = "customer",
            tags = new List<string> { "VIP", "math" },
        });

        var response = await MergeAsync(Id(survivor), Id(duplicate));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var merged = await ReadJsonAsync(response);
        Assert.Equal(Id(survivor), Id(merged));
        Assert.Equal("Ada", merged.GetProperty("firstName").GetString());
        Assert.Equal("Lovelace", merged.GetProperty("lastName").GetString());
        Assert.Equal("ada@one.example.com", merged.GetProperty("email").GetString());
        Assert.Equal(["ada@one.example.com", "ada@two.example.com"], merged.GetProperty("emails").EnumerateArray().Select(e => e.GetProperty("address").GetString()));
        Assert.Equal("+44 20 7946 0000", merged.GetProperty("phone").GetString());
        Assert.Equal("Analyst", merged.GetProperty("jobTitle").GetString());
        Assert.Equal("customer", merged.GetProperty("lifecycleStage").GetString());
        Assert.Equal(["vip", "math"], merged.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, merged.GetProperty("version").GetInt64());
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/v1/people/{Id(duplicate)}", Token)).StatusCode);
    }

    [Fact]
    public async Task The_survivor_takes_the_custom_field_values_it_lacks_and_keeps_its_own()
    {
        await CustomFieldsApi.DefineOneOfEachAsync(Client, "person");
        var survivor = await CreatePersonAsync(Client, new { lastName = "Kept", customFields = new { nickname = "Ada", score = 1 } });
        var duplicate = await CreatePersonAsync(Client, new { lastName = "Gone", customFields = new { nickname = "Augusta", tier = "Gold" } });

        var merged = await ReadJsonAsync(await MergeAsync(Id(survivor), Id(duplicate)));

        var values = merged.GetProperty("customFields");
        Assert.Equal("Ada", values.GetProperty("nickname").GetString());
        Assert.Equal(1, values.GetProperty("score").GetInt32());
        Assert.Equal("Gold", values.GetProperty("tier").GetString());
    }

    [Fact]
    public async Task Activities_and_consent_history_move_and_the_latest_consent_decision_stands()
    {
        var survivor = Id(await CreatePersonAsync(Client, new { lastName = "Survivor" }));
        var duplicate = Id(await CreatePersonAsync(Client, new { lastName = "Duplicate" }));
        (await Client.PostAsJsonAsync("/api/v1/activities", new { type = "note", subject = "Met at the fair", personId = duplicate }, Token)).EnsureSuccessStatusCode();
        await PutConsentAsync(survivor, "email", "opted-in", "2026-01-01T00:00:00Z");
        await PutConsentAsync(duplicate, "email", "opted-out", "2026-02-01T00:00:00Z");
        await PutConsentAsync(duplicate, "sms", "opted-in", "2026-03-01T00:00:00Z");
        await PutConsentAsync(survivor, "phone", "opted-in", "2026-04-01T00:00:00Z");
        await PutConsentAsync(duplicate, "phone", "opted-out", "2026-01-15T00:00:00Z");

        (await MergeAsync(survivor, duplicate)).EnsureSuccessStatusCode();

        var timeline = await GetJsonAsync($"/api/v1/people/{survivor}/timeline");
        Assert.Equal("Met at the fair", Assert.Single(timeline.GetProperty("items").EnumerateArray()).GetProperty("activity").GetProperty("subject").GetString());
        var consents = (await GetJsonAsync($"/api/v1/people/{survivor}/consents")).GetProperty("items").EnumerateArray()
            .ToDictionary(c => c.GetProperty("channel").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("opted-out", consents["email"]);
        Assert.Equal("opted-in", consents["sms"]);
        Assert.Equal("opted-in", consents["phone"]);
        var history = (await GetJsonAsync($"/api/v1/people/{survivor}/consents/history")).GetProperty("items");
        Assert.Equal(5, history.GetArrayLength());
        Assert.Equal(2, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ConsentChanged%' AND payload->>'personId' = $1 AND occurred_at >= (SELECT min(merged_at) FROM person_merges WHERE survivor_id = $2)",
            survivor.ToString(),
            survivor));
    }

    [Fact]
    public async Task ContactsMerged_is_published_once_and_a_repeated_merge_changes_nothing()
    {
        var survivor = Id(await CreatePersonAsync(Client, new { lastName = "Once" }));
        var duplicate = Id(await CreatePersonAsync(Client, new { lastName = "Twice" }));

        var first = await MergeAsync(survivor, duplicate);
        var again = await MergeAsync(survivor, duplicate);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ContactsMerged%' AND payload->>'personId' = $1 AND payload->'merged'->0->>'personId' = $2",
            survivor.ToString(),
            duplicate.ToString()));
        await Eventually.Until(
            async () => await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ContactsMerged%' AND payload->>'personId' = $1 AND sent_at IS NOT NULL", survivor.ToString()) == 1,
            TimeSpan.FromSeconds(30),
            "ContactsMerged should reach the broker.");
    }

    [Fact]
    public async Task Merging_a_survivor_in_turn_points_earlier_merges_at_the_new_survivor()
    {
        var first = Id(await CreatePersonAsync(Client, new { lastName = "First" }));
        var second = Id(await CreatePersonAsync(Client, new { lastName = "Second" }));
        var third = Id(await CreatePersonAsync(Client, new { lastName = "Third" }));

        (await MergeAsync(second, first)).EnsureSuccessStatusCode();
        (await MergeAsync(third, second)).EnsureSuccessStatusCode();

        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM person_merges WHERE survivor_id = $1", third));
    }

    [Theory]
    [InlineData("""{"duplicateIds":[]}""", "duplicateIds")]
    [InlineData("""{}""", "duplicateIds")]
    [InlineData("""{"duplicateIds":["{self}"]}""", "duplicateIds[0]")]
    [InlineData("""{"duplicateIds":["{other}","{other}"]}""", "duplicateIds[1]")]
    [InlineData("""{"duplicateIds":["{unknown}"]}""", "duplicateIds[0]")]
    [InlineData("""{"duplicateIds":["not-a-uuid"]}""", "duplicateIds[0]")]
    public async Task Bad_requests_are_refused_naming_the_field_and_change_nothing(string template, string field)
    {
        var self = Id(await CreatePersonAsync(Client, new { lastName = "Self" }));
        var other = Id(await CreatePersonAsync(Client, new { lastName = "Other" }));
        var body = template.Replace("{self}", self.ToString(), StringComparison.Ordinal)
            .Replace("{other}", other.ToString(), StringComparison.Ordinal)
            .Replace("{unknown}", Guid.CreateVersion7().ToString(), StringComparison.Ordinal);

        var response = await Client.PostAsync($"/api/v1/people/{self}/merge", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1 AND id = ANY($2)", _tenant, new[] { self, other }));
    }

    [Fact]
    public async Task Another_tenants_people_can_be_neither_survivor_nor_duplicate()
    {
        var mine = Id(await CreatePersonAsync(Client, new { lastName = "Mine" }));
        var theirs = Id(await CreatePersonAsync(api.ClientFor(NewTenant()), new { lastName = "Theirs" }));

        var asDuplicate = await MergeAsync(mine, theirs);
        var asSurvivor = await MergeAsync(theirs, mine);

        Assert.Equal(HttpStatusCode.BadRequest, asDuplicate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, asSurvivor.StatusCode);
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE id = $1", theirs));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE id = $1", mine));
    }

    [Fact]
    public async Task A_stale_if_match_on_the_survivor_is_refused()
    {
        var survivor = await CreatePersonAsync(Client, new { lastName = "Stale" });
        var duplicate = Id(await CreatePersonAsync(Client, new { lastName = "Kept" }));
        (await PatchAsync(Client, $"/api/v1/people/{Id(survivor)}", """{"jobTitle":"Changed"}""")).EnsureSuccessStatusCode();

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/people/{Id(survivor)}/merge") { Content = JsonContent.Create(new { duplicateIds = new[] { duplicate } }) };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        var response = await Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE id = $1", duplicate));
    }

    private static Guid Id(JsonElement resource) => resource.GetProperty("id").GetGuid();

    private Task<HttpResponseMessage> MergeAsync(Guid survivor, Guid duplicate) =>
        Client.PostAsJsonAsync($"/api/v1/people/{survivor}/merge", new { duplicateIds = new[] { duplicate } }, Token);

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Client.GetAsync(path, Token);
        response.EnsureSuccessStatusCode();
        return await ReadJsonAsync(response);
    }

    private async Task PutConsentAsync(Guid person, string channel, string status, string changedAt)
    {
        var response = await Client.PutAsJsonAsync($"/api/v1/people/{person}/consents/{channel}", new { status, source = "web-form", lawfulBasis = "consent", changedAt }, Token);
        response.EnsureSuccessStatusCode();
    }
}
