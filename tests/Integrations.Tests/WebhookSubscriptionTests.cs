using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace CrmCloud.Integrations.Tests;

public sealed class WebhookSubscriptionTests(IntegrationsApi api) : IClassFixture<IntegrationsApi>
{
    private const string Path = "/api/v1/webhooks";
    private readonly string _tenant = IntegrationsApi.NewTenant();

    private static object Subscription(string url, params string[] eventTypes) => new { url, eventTypes };

    [Fact]
    public async Task The_secret_is_shown_on_creation_and_rotation_only()
    {
        using var client = api.ClientFor(_tenant);
        var created = await IntegrationsApi.CreateAsync(client, Path, Subscription("https://partner.example.com/hooks", "contact.created"));
        var secret = created.GetProperty("secret").GetString()!;
        var id = created.GetProperty("id").GetString();

        var one = await client.GetStringAsync($"{Path}/{id}", TestContext.Current.CancellationToken);
        var list = await client.GetStringAsync(Path, TestContext.Current.CancellationToken);
        var patched = await (await client.PatchAsJsonAsync($"{Path}/{id}", new { description = "CRM sync" }, TestContext.Current.CancellationToken))
            .Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var rotated = await IntegrationsApi.CreateAsync(client, $"{Path}/{id}/rotate-secret", new { });

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.True(created.GetProperty("enabled").GetBoolean());
        foreach (var answer in new[] { one, list, patched })
        {
            Assert.DoesNotContain(secret, answer, StringComparison.Ordinal);
            Assert.DoesNotContain("\"secret\"", answer, StringComparison.Ordinal);
        }

        Assert.Contains("CRM sync", patched, StringComparison.Ordinal);
        Assert.StartsWith("whsec_", rotated.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(secret, rotated.GetProperty("secret").GetString());
    }

    [Fact]
    public async Task A_bad_url_or_unknown_event_type_is_a_problem_naming_the_field()
    {
        using var client = api.ClientFor(_tenant);

        var badScheme = await client.PostAsJsonAsync(Path, Subscription("ftp://partner.example.com/hooks", "contact.created", "contact.exploded"), TestContext.Current.CancellationToken);
        var nothing = await client.PostAsJsonAsync(Path, new { }, TestContext.Current.CancellationToken);
        var created = await IntegrationsApi.CreateAsync(client, Path, Subscription("https://partner.example.com/hooks", "order.placed"));
        var badPatch = await client.PatchAsJsonAsync($"{Path}/{created.GetProperty("id")}", Subscription("not a url", "order.shipped"), TestContext.Current.CancellationToken);

        Assert.Equal(["url", "eventTypes[1]"], (await IntegrationsApi.InvalidFieldsAsync(badScheme)).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(["eventTypes", "url"], (await IntegrationsApi.InvalidFieldsAsync(nothing)).Order(StringComparer.Ordinal));
        Assert.Equal(["eventTypes[0]", "url"], (await IntegrationsApi.InvalidFieldsAsync(badPatch)).Order(StringComparer.Ordinal));
        var unchanged = await client.GetFromJsonAsync<JsonElement>($"{Path}/{created.GetProperty("id")}", TestContext.Current.CancellationToken);
        Assert.Equal("https://partner.example.com/hooks", unchanged.GetProperty("url").GetString());
        Assert.Empty(await IntegrationsApi.ItemsAsync(api.ClientFor(IntegrationsApi.NewTenant()), Path));
    }

    [Fact]
    public async Task Another_tenants_subscription_is_not_found()
    {
        using var owner = api.ClientFor(_tenant);
        var created = await IntegrationsApi.CreateAsync(owner, Path, Subscription("https://partner.example.com/hooks", "order.placed"));
        var path = $"{Path}/{created.GetProperty("id")}";
        using var stranger = api.ClientFor(IntegrationsApi.NewTenant());

        var get = await stranger.GetAsync(path, TestContext.Current.CancellationToken);
        var patch = await stranger.PatchAsJsonAsync(path, new { enabled = false }, TestContext.Current.CancellationToken);
        var rotate = await stranger.PostAsync($"{path}/rotate-secret", null, TestContext.Current.CancellationToken);
        var deliveries = await stranger.GetAsync($"{path}/deliveries", TestContext.Current.CancellationToken);
        var redeliver = await stranger.PostAsync($"{path}/deliveries/{Guid.CreateVersion7()}/redeliver", null, TestContext.Current.CancellationToken);
        var delete = await stranger.DeleteAsync(path, TestContext.Current.CancellationToken);

        Assert.All([get, patch, rotate, deliveries, redeliver, delete], response => Assert.Equal(HttpStatusCode.NotFound, response.StatusCode));
        Assert.True((await owner.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken)).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task The_webhook_scopes_are_required()
    {
        using var reader = api.ClientFor(_tenant, "webhooks:read");
        using var contactsOnly = api.ClientFor(_tenant, "contacts:read", "contacts:write");

        var created = await reader.PostAsJsonAsync(Path, Subscription("https://partner.example.com/hooks", "order.placed"), TestContext.Current.CancellationToken);
        var listed = await reader.GetAsync(Path, TestContext.Current.CancellationToken);
        var refused = await contactsOnly.GetAsync(Path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
