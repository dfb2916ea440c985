using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;

[assembly: AssemblyFixture(typeof(CrmCloud.EndToEnd.Tests.RunningSystem))]

namespace CrmCloud.EndToEnd.Tests;

public sealed class SystemTests(RunningSystem system)
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_gateway_is_ready_and_refuses_a_stranger()
    {
        using var anonymous = new HttpClient { BaseAddress = system.Gateway };

        var ready = await anonymous.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var people = await anonymous.GetAsync("/api/v1/people", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, people.StatusCode);
    }

    [Fact]
    public async Task A_person_created_through_the_gateway_reaches_every_other_service()
    {
        using var client = await system.ClientForAsync($"e2e-{Guid.NewGuid():N}");

        var created = await client.PostAsJsonAsync("/api/v1/people", new { firstName = "Katherine", lastName = "Johnson", email = "katherine@example.com" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var personId = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();

        await Task.WhenAll(
            CopyAppearsAsync(client, "customers", personId, "name", "Katherine Johnson"),
            CopyAppearsAsync(client, "audience-members", personId, "email", "katherine@example.com"),
            CopyAppearsAsync(client, "requesters", personId, "name", "Katherine Johnson"),
            CopyAppearsAsync(client, "billing-accounts", personId, "billingName", "Katherine Johnson"));
    }

    [Fact]
    public async Task A_post_repeated_with_the_same_idempotency_key_creates_one_person()
    {
        using var client = await system.ClientForAsync($"e2e-{Guid.NewGuid():N}");
        var key = Guid.NewGuid().ToString();

        var first = await PostWithKeyAsync(client, key, """{ "lastName": "Once" }""");
        var repeat = await PostWithKeyAsync(client, key, """{ "lastName": "Once" }""");
        var changed = await PostWithKeyAsync(client, key, """{ "lastName": "Other" }""");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await repeat.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.StatusCode);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/people", TestContext.Current.CancellationToken);
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }

    private static async Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/people") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static Task CopyAppearsAsync(HttpClient client, string resource, Guid personId, string field, string expected) =>
        Eventually.Until(
            async () =>
            {
                var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/{resource}?personId={personId}");
                var items = page.GetProperty("items");
                return items.GetArrayLength() == 1 && items[0].GetProperty(field).GetString() == expected;
            },
            Propagation,
            $"the person to reach {resource}");
}
