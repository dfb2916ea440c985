using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace CrmCloud.Campaign.Tests;

public sealed class ResponsesTests(CampaignApi api) : IClassFixture<CampaignApi>
{
    private const string Recorded = "CrmCloud.Contracts.Campaign.CampaignResponseRecorded";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tracking_links_record_each_response_once_and_redirect_only_to_the_campaigns_links()
    {
        var audience = await LabelledAudience.SeedAsync(api);
        var id = await CampaignApi.LaunchToCustomersAsync(api.ClientFor(audience.Tenant));
        var token = await api.TrackingTokenAsync(id, audience.Ada);
        var browser = api.Anonymous();

        var pixel = await browser.GetAsync($"/api/v1/tracking/open/{token}", Token);
        Assert.Equal(HttpStatusCode.OK, pixel.StatusCode);
        Assert.Equal("image/gif", pixel.Content.Headers.ContentType?.MediaType);
        Assert.Equal("GIF89a"u8.ToArray(), (await pixel.Content.ReadAsByteArrayAsync(Token))[..6]);
        Assert.True(pixel.Headers.CacheControl?.NoStore);
        await browser.GetAsync($"/api/v1/tracking/open/{token}", Token);

        var target = "https://shop.example.com/spring?a=1&b=2";
        var click = await browser.GetAsync($"/api/v1/tracking/click/{token}?url={Uri.EscapeDataString(target)}", Token);
        Assert.True(HttpStatusCode.Redirect == click.StatusCode, await click.Content.ReadAsStringAsync(Token));
        Assert.Equal(target, click.Headers.Location?.OriginalString);
        var elsewhere = await browser.GetAsync($"/api/v1/tracking/click/{token}?url={Uri.EscapeDataString("https://evil.example.net/")}", Token);
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.True((await CampaignApi.ReadAsync(elsewhere)).GetProperty("errors").TryGetProperty("url", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/api/v1/tracking/open/{new string('0', 64)}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/api/v1/tracking/click/short?url=x", Token)).StatusCode);

        // Opening the page changes nothing; the one-click POST (RFC 8058) unsubscribes, once however often it comes.
        var page = await browser.GetAsync($"/api/v1/tracking/unsubscribe/{token}", Token);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(0, await api.CountAsync("SELECT count(*) FROM campaign_responses WHERE campaign_id = $1 AND kind = 'unsubscribed'", id));
        var unsubscribes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            browser.PostAsync($"/api/v1/tracking/unsubscribe/{token}", new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), Token)));
        Assert.All(unsubscribes, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));

        Assert.Equal(3, await api.CountAsync("SELECT count(*) FROM campaign_responses WHERE campaign_id = $1", id));
        foreach (var kind in new[] { "opened", "clicked", "unsubscribed" })
        {
            Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'campaignId' = $2 AND payload->>'response' = '{kind}' AND payload->>'personId' = $3", Recorded, id.ToString(), audience.Ada.ToString()));
        }

        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'campaignId' = $2 AND payload->>'channel' = 'email' AND payload->>'personId' = $3", "CrmCloud.Contracts.Campaign.UnsubscribeRequested", id.ToString(), audience.Ada.ToString()));
    }

    [Fact]
    public async Task Users_record_replies_and_conversions_and_list_responses_by_kind()
    {
        var audience = await LabelledAudience.SeedAsync(api);
        var client = api.ClientFor(audience.Tenant);
        var id = await CampaignApi.LaunchToCustomersAsync(client);
        await api.Anonymous().GetAsync($"/api/v1/tracking/open/{await api.TrackingTokenAsync(id, audience.Ada)}", Token);

        var replied = await client.PostAsJsonAsync($"/api/v1/campaigns/{id}/responses", new { personId = audience.Ada, kind = "replied" }, Token);
        Assert.Equal(HttpStatusCode.Created, replied.StatusCode);
        var again = await client.PostAsJsonAsync($"/api/v1/campaigns/{id}/responses", new { personId = audience.Ada, kind = "replied" }, Token);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await CampaignApi.ReadAsync(replied)).GetProperty("id").GetGuid(), (await CampaignApi.ReadAsync(again)).GetProperty("id").GetGuid());

        var bad = await client.PostAsJsonAsync($"/api/v1/campaigns/{id}/responses", new { personId = audience.Ben, kind = "opened", occurredAt = DateTimeOffset.UtcNow.AddDays(1) }, Token);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await CampaignApi.ReadAsync(bad)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("kind", out _) && errors.TryGetProperty("occurredAt", out _), errors.ToString());
        var stranger = await client.PostAsJsonAsync($"/api/v1/campaigns/{id}/responses", new { personId = audience.Ben, kind = "replied" }, Token);
        Assert.True((await CampaignApi.ReadAsync(stranger)).GetProperty("errors").TryGetProperty("personId", out _));

        var first = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/campaigns/{id}/responses?limit=1", Token));
        Assert.Single(first.GetProperty("items").EnumerateArray());
        var next = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/campaigns/{id}/responses?limit=1&cursor={first.GetProperty("nextCursor").GetString()}", Token));
        Assert.Single(next.GetProperty("items").EnumerateArray());
        Assert.False(next.TryGetProperty("nextCursor", out var cursor) && cursor.ValueKind == JsonValueKind.String);
        var replies = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/campaigns/{id}/responses?kind=replied", Token));
        Assert.Equal("replied", Assert.Single(replies.GetProperty("items").EnumerateArray()).GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/v1/campaigns/{id}/responses?kind=bounced", Token)).StatusCode);

        var other = api.ClientFor($"tenant-{Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/campaigns/{id}/responses", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/v1/campaigns/{id}/responses", new { personId = audience.Ada, kind = "replied" }, Token)).StatusCode);
    }

    [Fact]
    public async Task A_persons_responses_are_listed_across_campaigns_and_another_tenant_gets_404()
    {
        var audience = await LabelledAudience.SeedAsync(api);
        var client = api.ClientFor(audience.Tenant);
        var spring = await CampaignApi.LaunchToCustomersAsync(client);
        var summer = await CampaignApi.LaunchToCustomersAsync(client);
        await client.PostAsJsonAsync($"/api/v1/campaigns/{spring}/responses", new { personId = audience.Ada, kind = "replied" }, Token);
        await client.PostAsJsonAsync($"/api/v1/campaigns/{summer}/responses", new { personId = audience.Ada, kind = "converted" }, Token);

        var ada = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/audience-members/{audience.Ada}/responses", Token));
        var converted = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/audience-members/{audience.Ada}/responses?kind=converted", Token));
        var ben = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/audience-members/{audience.Ben}/responses", Token));
        var bad = await client.GetAsync($"/api/v1/audience-members/{audience.Ada}/responses?kind=bounced&limit=0", Token);
        var stranger = await api.ClientFor($"tenant-{Guid.NewGuid():N}").GetAsync($"/api/v1/audience-members/{audience.Ada}/responses", Token);

        Assert.Equal([spring, summer], ada.GetProperty("items").EnumerateArray().Select(response => response.GetProperty("campaignId").GetGuid()));
        Assert.Equal(summer, Assert.Single(converted.GetProperty("items").EnumerateArray()).GetProperty("campaignId").GetGuid());
        Assert.Empty(ben.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await CampaignApi.ReadAsync(bad)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("kind", out _) && errors.TryGetProperty("limit", out _), errors.ToString());
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal("application/problem+json", stranger.Content.Headers.ContentType?.MediaType);
    }
}
