using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace CrmCloud.Campaign.Tests;

public sealed class CampaignsTests(CampaignApi api) : IClassFixture<CampaignApi>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private const string EventsOfCampaign = "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'campaignId' = $2";

    [Fact]
    public async Task Launch_materialises_the_audience_once_leaving_out_and_counting_people_without_consent()
    {
        var audience = await LabelledAudience.SeedAsync(api);
        var client = api.ClientFor(audience.Tenant);
        var segment = await CampaignApi.ReadAsync(await client.PostAsJsonAsync(
            "/api/v1/segments", new { name = "Customers", criteria = JsonDocument.Parse("""{"all":[{"field":"lifecycleStage","operator":"in","values":["customer"]}]}""").RootElement }, cancellationToken: Token));
        var created = await client.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "Spring sale",
            segmentId = segment.GetProperty("id").GetGuid(),
            subject = "{{firstName}}, 10 % off",
            body = "<p>Hello {{firstName}}, use {{offerCode}}. <a href=\"https://shop.example.com/spring\">Shop</a> <a href=\"{{unsubscribeUrl}}\">Unsubscribe</a></p>",
            offer = new { discountPercent = 10, codeKind = "unique", terms = "One per order", validUntil = "2027-01-01T00:00:00Z" },
            cost = new { amount = "100.00", currency = "EUR" },
        }, cancellationToken: Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await CampaignApi.ReadAsync(created)).GetProperty("id").GetGuid();

        var launches = await Task.WhenAll(client.PostAsync($"/api/v1/campaigns/{id}/launch", null, Token), client.PostAsync($"/api/v1/campaigns/{id}/launch", null, Token));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], launches.Select(r => r.StatusCode).Order());
        var launched = await CampaignApi.ReadAsync(launches.Single(r => r.StatusCode == HttpStatusCode.OK));

        // Ada is reached; Dan has no consent (excluded), Cleo no email address; Ben is no customer.
        Assert.Equal("running", launched.GetProperty("status").GetString());
        Assert.Equal(1, launched.GetProperty("audienceCount").GetInt32());
        Assert.Equal(1, launched.GetProperty("excludedWithoutConsent").GetInt32());
        Assert.Equal(1, launched.GetProperty("excludedWithoutAddress").GetInt32());
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1 AND person_id = $2 AND length(token) = 64 AND length(offer_code) = 12", id, audience.Ada));
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1", id));
        Assert.Equal(1, await api.CountAsync(EventsOfCampaign, "CrmCloud.Contracts.Campaign.CampaignLaunched", id.ToString()));
        Assert.Equal(1, await api.CountAsync(EventsOfCampaign + " AND (payload->>'excludedWithoutConsent')::int = 1 AND (payload->>'audienceCount')::int = 1", "CrmCloud.Contracts.Campaign.CampaignLaunched", id.ToString()));
        Assert.Equal(1, await api.CountAsync(EventsOfCampaign + " AND payload->>'codeKind' = 'unique' AND (payload->>'discountPercent')::numeric = 10 AND payload->>'version' = '1'", "CrmCloud.Contracts.Campaign.CampaignOfferPublished", id.ToString()));
        Assert.Equal(1, await api.CountAsync(EventsOfCampaign + " AND jsonb_array_length(payload::jsonb->'codes') = 1", "CrmCloud.Contracts.Campaign.CampaignOfferCodesIssued", id.ToString()));

        var again = await client.PostAsync($"/api/v1/campaigns/{id}/launch", null, Token);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var patch = await client.PatchAsync($"/api/v1/campaigns/{id}", JsonContent.Create(new { subject = "Changed" }), Token);
        Assert.Equal(HttpStatusCode.Conflict, patch.StatusCode);

        var cancelled = await client.PostAsync($"/api/v1/campaigns/{id}/cancel", null, Token);
        Assert.Equal("cancelled", (await CampaignApi.ReadAsync(cancelled)).GetProperty("status").GetString());
        Assert.Equal(1, await api.CountAsync(EventsOfCampaign + " AND (payload->>'withdrawn')::boolean AND payload->>'version' = '2'", "CrmCloud.Contracts.Campaign.CampaignOfferPublished", id.ToString()));
    }

    [Fact]
    public async Task Bad_campaigns_are_refused_naming_each_field()
    {
        var client = api.ClientFor($"tenant-{Guid.NewGuid():N}");
        var response = await client.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "",
            channel = "fax",
            segmentId = Guid.CreateVersion7(),
            body = "Hi {{shoeSize}}",
            offer = new { discountPercent = 120, codeKind = "shared" },
            budget = new { amount = "10", currency = "XYZ" },
            attributionDays = 999,
        }, cancellationToken: Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await CampaignApi.ReadAsync(response)).GetProperty("errors");
        foreach (var field in new[] { "name", "channel", "body", "offer.discountPercent", "offer.sharedCode", "budget.currency", "attributionDays" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"expected a problem with {field}, got {errors}");
        }

        var draft = await CampaignApi.ReadAsync(await client.PostAsJsonAsync("/api/v1/campaigns", new { name = "No segment" }, cancellationToken: Token));
        var launch = await client.PostAsync($"/api/v1/campaigns/{draft.GetProperty("id").GetGuid()}/launch", null, Token);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, launch.StatusCode);
    }

    [Fact]
    public async Task Another_tenant_gets_404_for_the_campaign()
    {
        var client = api.ClientFor($"tenant-{Guid.NewGuid():N}");
        var id = (await CampaignApi.ReadAsync(await client.PostAsJsonAsync("/api/v1/campaigns", new { name = "Mine" }, cancellationToken: Token))).GetProperty("id").GetGuid();
        var stranger = api.ClientFor($"tenant-{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/campaigns/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/v1/campaigns/{id}/launch", null, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/v1/campaigns/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/campaigns/{id}", Token)).StatusCode);
    }
}
