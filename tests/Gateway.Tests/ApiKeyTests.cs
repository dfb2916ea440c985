using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Gateway.Tests;

public sealed class ApiKeyTests(GatewaySystem system) : IClassFixture<GatewaySystem>
{
    private static readonly TimeSpan Revocation = TimeSpan.FromSeconds(5);
    private static readonly string[] ReadContacts = ["contacts:read"];
    private static readonly string[] TooMuch = ["contacts:read", "billing:write", "everything"];
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_created_key_shows_its_secret_once_and_is_listed_without_it()
    {
        var created = await system.CreateKeyAsync(_tenant, ["contacts:read"]);
        using var admin = system.Administrator(_tenant);

        var list = await admin.GetStringAsync("/api/v1/api-keys", TestContext.Current.CancellationToken);
        var one = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/api-keys/{created.GetProperty("id")}", TestContext.Current.CancellationToken);

        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith(created.GetProperty("prefix").GetString()!, secret, StringComparison.Ordinal);
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", list, StringComparison.Ordinal);
        Assert.Single(JsonDocument.Parse(list).RootElement.GetProperty("items").EnumerateArray());
        Assert.False(one.TryGetProperty("secret", out _));
    }

    [Fact]
    public async Task A_key_acts_for_its_tenant_with_its_scopes_on_every_gateway()
    {
        var secret = (await system.CreateKeyAsync(_tenant, ["contacts:read", "contacts:write"])).GetProperty("secret").GetString()!;
        using var first = system.First.WithApiKey(secret);
        using var second = system.Second.WithApiKey(secret);

        var created = await first.PostAsJsonAsync("/api/v1/people", new { lastName = "Hopper" }, TestContext.Current.CancellationToken);
        var people = await second.GetFromJsonAsync<JsonElement>("/api/v1/people", TestContext.Current.CancellationToken);
        using var admin = system.Administrator(_tenant);
        var seenByPerson = await admin.GetFromJsonAsync<JsonElement>("/api/v1/people", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Single(people.GetProperty("items").EnumerateArray());
        Assert.Single(seenByPerson.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_x_api_key_header_is_accepted_too()
    {
        var secret = (await system.CreateKeyAsync(_tenant, ["contacts:read"])).GetProperty("secret").GetString()!;
        using var client = system.First.Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", secret);

        var people = await client.GetAsync("/api/v1/people", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, people.StatusCode);
    }

    [Fact]
    public async Task A_key_without_the_scope_gets_a_403_problem_from_the_gateway()
    {
        var secret = (await system.CreateKeyAsync(_tenant, ["contacts:read"])).GetProperty("secret").GetString()!;
        using var client = system.First.WithApiKey(secret);

        var write = await client.PostAsJsonAsync("/api/v1/people", new { lastName = "Hopper" }, TestContext.Current.CancellationToken);
        var otherArea = await client.GetAsync("/api/v1/leads", TestContext.Current.CancellationToken);
        var keys = await client.GetAsync("/api/v1/api-keys", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
        var problem = await write.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains("contacts:write", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Sales is stopped in this system: a 403 proves the gateway refused before trying to reach it.
        Assert.Equal(HttpStatusCode.Forbidden, otherArea.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, keys.StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_by_a_second_gateway_within_seconds()
    {
        var created = await system.CreateKeyAsync(_tenant, ["contacts:read"]);
        using var first = system.First.WithApiKey(created.GetProperty("secret").GetString()!);
        using var second = system.Second.WithApiKey(created.GetProperty("secret").GetString()!);
        // Both gateways now hold the key in memory.
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/people", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/people", TestContext.Current.CancellationToken)).StatusCode);

        using var admin = system.Administrator(_tenant);
        var revoked = await admin.PostAsync($"/api/v1/api-keys/{created.GetProperty("id")}/revoke", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("revoked", (await revoked.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("status").GetString());
        await Eventually.Until(
            async () => (await second.GetAsync("/api/v1/people")).StatusCode == HttpStatusCode.Unauthorized,
            Revocation,
            "the second gateway to refuse the revoked key");
    }

    [Fact]
    public async Task A_rotated_key_works_with_its_new_secret_only()
    {
        var created = await system.CreateKeyAsync(_tenant, ["contacts:read"]);
        using var old = system.Second.WithApiKey(created.GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/api/v1/people", TestContext.Current.CancellationToken)).StatusCode);

        using var admin = system.Administrator(_tenant);
        var rotated = await admin.PostAsync($"/api/v1/api-keys/{created.GetProperty("id")}/rotate", null, TestContext.Current.CancellationToken);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("secret").GetString()!;
        using var renewed = system.Second.WithApiKey(newSecret);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(created.GetProperty("secret").GetString(), newSecret);
        Assert.Equal(HttpStatusCode.OK, (await renewed.GetAsync("/api/v1/people", TestContext.Current.CancellationToken)).StatusCode);
        await Eventually.Until(
            async () => (await old.GetAsync("/api/v1/people")).StatusCode == HttpStatusCode.Unauthorized,
            Revocation,
            "the gateway to refuse the old secret");
    }

    [Fact]
    public async Task An_expired_key_is_refused()
    {
        var created = await system.CreateKeyAsync(_tenant, ["contacts:read"], DateTimeOffset.UtcNow.AddSeconds(3));
        using var client = system.First.WithApiKey(created.GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/people", TestContext.Current.CancellationToken)).StatusCode);

        await Eventually.Until(
            async () => (await client.GetAsync("/api/v1/people")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(20),
            "the gateway to refuse the expired key");
        using var admin = system.Administrator(_tenant);
        var key = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/api-keys/{created.GetProperty("id")}", TestContext.Current.CancellationToken);
        Assert.Equal("expired", key.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unknown_key_is_a_401_problem()
    {
        using var client = system.First.WithApiKey("crm_00000000_not-a-key");

        var response = await client.GetAsync("/api/v1/people", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Another_tenant_gets_404_for_a_key()
    {
        var created = await system.CreateKeyAsync(_tenant, ["contacts:read"]);
        using var stranger = system.Administrator($"tenant-{Guid.NewGuid():N}");

        var get = await stranger.GetAsync($"/api/v1/api-keys/{created.GetProperty("id")}", TestContext.Current.CancellationToken);
        var revoke = await stranger.PostAsync($"/api/v1/api-keys/{created.GetProperty("id")}/revoke", null, TestContext.Current.CancellationToken);
        var list = await stranger.GetFromJsonAsync<JsonElement>("/api/v1/api-keys", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_key_cannot_grant_a_scope_its_creator_lacks_or_an_unknown_one()
    {
        using var admin = system.First.WithBearer(_tenant, ["contacts:read"]);

        var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "Too much", scopes = TooMuch }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("scopes[1]", out _));
        Assert.True(errors.TryGetProperty("scopes[2]", out _));
        Assert.False(errors.TryGetProperty("scopes[0]", out _));
    }

    [Fact]
    public async Task A_past_expiry_and_a_missing_name_are_refused_naming_the_fields()
    {
        using var admin = system.Administrator(_tenant);

        var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { scopes = ReadContacts, expiresAt = DateTimeOffset.UtcNow.AddDays(-1) }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("expiresAt", out _));
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("/api/v1/api-keys", TestContext.Current.CancellationToken)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_person_who_is_not_an_administrator_cannot_manage_keys()
    {
        using var user = system.First.WithBearer(_tenant, roles: []);

        var create = await user.PostAsJsonAsync("/api/v1/api-keys", new { name = "Mine", scopes = ReadContacts }, TestContext.Current.CancellationToken);
        var list = await user.GetAsync("/api/v1/api-keys", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
    }
}
