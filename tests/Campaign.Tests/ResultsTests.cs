using System.Net;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Contracts.Sales;
using Xunit;

namespace CrmCloud.Campaign.Tests;

public sealed class ResultsTests(CampaignApi api) : IClassFixture<CampaignApi>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Results_count_reach_responses_and_attributed_orders_once_per_order()
    {
        var audience = await LabelledAudience.SeedAsync(api);
        var t = audience.Tenant;
        var (eve, finn, gus, hal) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var at = new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero);
        var people = new[] { (eve, "Eve"), (finn, "Finn"), (gus, "Gus"), (hal, "Hal") };
        await api.DeliverAsync([
            .. people.Select(p => (object)new ContactCreated(t, p.Item1, 1, new ContactSnapshot(p.Item2, "Tester", $"{p.Item2}@example.com", null, null) { LifecycleStage = "customer" }, at)),
            .. people.Select(p => (object)new ConsentChanged(t, p.Item1, "email", "opted-in", "web-form", "consent", at, at))]);
        var client = api.ClientFor(t);
        var id = await CampaignApi.LaunchToCustomersAsync(
            client, offer: new { discountPercent = 10, codeKind = "shared", sharedCode = "SPRING" }, cost: new { amount = "100.00", currency = "EUR" }, attributionDays: 30);

        // Delivery as the sender would record it: Ada, Eve, Finn and Hal delivered now, Gus failed.
        var sent = DateTimeOffset.UtcNow.AddMinutes(-5);
        await api.CountAsync("WITH u AS (UPDATE campaign_recipients SET status = 'delivered', sent_at = $2 WHERE campaign_id = $1 AND person_id <> $3 RETURNING 1) SELECT count(*) FROM u", id, sent, gus);
        await api.CountAsync("WITH u AS (UPDATE campaign_recipients SET status = 'failed' WHERE campaign_id = $1 AND person_id = $2 RETURNING 1) SELECT count(*) FROM u", id, gus);
        var browser = api.Anonymous();
        await browser.GetAsync($"/api/v1/tracking/click/{await api.TrackingTokenAsync(id, audience.Ada)}?url={Uri.EscapeDataString("https://shop.example.com/spring?a=1&b=2")}", Token);
        await browser.GetAsync($"/api/v1/tracking/open/{await api.TrackingTokenAsync(id, eve)}", Token);

        var later = sent.AddHours(1);
        var byCode = new OrderPlaced(t, Guid.CreateVersion7(), "SO-10", audience.Ada, null, [], 200m, 20m, 38m, 238m, "EUR", later, OfferCode: "spring");
        var cancelled = new OrderPlaced(t, Guid.CreateVersion7(), "SO-13", finn, null, [], 30m, 0m, 0m, 30m, "EUR", later);
        await api.DeliverAsync(
            byCode,
            new OrderPlaced(t, Guid.CreateVersion7(), "SO-11", eve, null, [], 10.005m, 0m, 0m, 10.005m, "EUR", later),
            new OrderPlaced(t, Guid.CreateVersion7(), "SO-12", finn, null, [], 50m, 0m, 0m, 50m, "USD", later),
            cancelled,
            // Not won: Gus was never reached, Ben is no recipient, and Ada's second order is after the 30-day window.
            new OrderPlaced(t, Guid.CreateVersion7(), "SO-14", gus, null, [], 70m, 0m, 0m, 70m, "EUR", later),
            new OrderPlaced(t, Guid.CreateVersion7(), "SO-15", audience.Ben, null, [], 80m, 0m, 0m, 80m, "EUR", later),
            new OrderPlaced(t, Guid.CreateVersion7(), "SO-16", audience.Ada, null, [], 90m, 0m, 0m, 90m, "EUR", sent.AddDays(31)));
        await api.DeliverAsync(new OrderCancelled(t, cancelled.OrderId, "SO-13", finn, null, 30m, 30m, "EUR", null, later.AddHours(1)));
        // The code order again, redelivered under its first message id and re-published under a new one: still one conversion.
        var messageId = Guid.NewGuid();
        await api.DeliverWithIdAsync(byCode, messageId);
        await api.DeliverWithIdAsync(byCode, messageId);
        await api.WaitUntilConsumedAsync(messageId, 2);

        var response = await client.GetAsync($"/api/v1/campaigns/{id}/results", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = await CampaignApi.ReadAsync(response);

        // Audience 5 (Ada, Eve, Finn, Gus, Hal); Dan lacks consent, Cleo an address. Reached 4 of 5.
        Assert.Equal((5, 1, 1), (results.GetProperty("audience").GetInt32(), results.GetProperty("excludedWithoutConsent").GetInt32(), results.GetProperty("excludedWithoutAddress").GetInt32()));
        var recipients = results.GetProperty("recipients");
        Assert.Equal((4, 1, 0), (recipients.GetProperty("delivered").GetInt32(), recipients.GetProperty("failed").GetInt32(), recipients.GetProperty("pending").GetInt32()));
        // Opened: Ada (by her click) and Eve; clicked: Ada; converted: Ada, Eve, Finn (his cancelled order does not take it back).
        var responses = results.GetProperty("responses");
        Assert.Equal((2, 1, 3, 3), (responses.GetProperty("opened").GetInt32(), responses.GetProperty("clicked").GetInt32(), responses.GetProperty("converted").GetInt32(), responses.GetProperty("responded").GetInt32()));
        var rates = results.GetProperty("rates");
        Assert.Equal(0.8m, rates.GetProperty("delivery").GetDecimal());
        Assert.Equal(0.5m, rates.GetProperty("open").GetDecimal());
        Assert.Equal(0.25m, rates.GetProperty("click").GetDecimal());
        Assert.Equal(0.75m, rates.GetProperty("response").GetDecimal());
        Assert.Equal(0.75m, rates.GetProperty("conversion").GetDecimal());
        // Won: 200.00 EUR by code, 10.005 → 10.00 EUR (half-even) and 50.00 USD in the window; 30 EUR cancelled.
        Assert.Equal(3, results.GetProperty("conversions").GetInt32());
        Assert.Equal(
            ["210.00 EUR", "50.00 USD"],
            results.GetProperty("revenue").EnumerateArray().Select(m => $"{m.GetProperty("amount").GetString()} {m.GetProperty("currency").GetString()}"));
        // (210.00 − 100.00) / 100.00
        Assert.Equal(1.1m, results.GetProperty("returnOnCost").GetDecimal());
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM campaign_conversions WHERE order_id = $1 AND via = 'offer-code'", byCode.OrderId));
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM campaign_conversions WHERE order_id = $1 AND cancelled", cancelled.OrderId));

        Assert.Equal(HttpStatusCode.NotFound, (await api.ClientFor($"tenant-{Guid.NewGuid():N}").GetAsync($"/api/v1/campaigns/{id}/results", Token)).StatusCode);
    }

    [Fact]
    public async Task Campaigns_are_compared_side_by_side_as_each_one_counts_alone()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var (ada, ben) = ((await api.CustomersAsync(tenant, "Ada"))[0], (await api.CustomersAsync(tenant, "Ben"))[0]);
        var client = api.ClientFor(tenant);
        var first = await CampaignApi.LaunchToCustomersAsync(client);
        var second = await CampaignApi.LaunchToCustomersAsync(client);
        // Delivery as the sender would record it: both reached by the first campaign, only Ada by the second.
        await api.CountAsync("WITH u AS (UPDATE campaign_recipients SET status = 'delivered', sent_at = now() WHERE campaign_id = $1 OR person_id = $2 RETURNING 1) SELECT count(*) FROM u", first, ada);
        await api.CountAsync("WITH u AS (UPDATE campaign_recipients SET status = 'failed' WHERE campaign_id = $1 AND person_id = $2 RETURNING 1) SELECT count(*) FROM u", second, ben);
        await api.Anonymous().GetAsync($"/api/v1/tracking/open/{await api.TrackingTokenAsync(first, ben)}", Token);

        var response = await client.GetAsync($"/api/v1/campaigns/results?ids={second},{first},{second}", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await CampaignApi.ReadAsync(response)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([second, first], items.Select(i => i.GetProperty("campaignId").GetGuid()));
        Assert.Equal([0.5m, 1m], items.Select(i => i.GetProperty("rates").GetProperty("delivery").GetDecimal()));
        Assert.Equal([0m, 0.5m], items.Select(i => i.GetProperty("rates").GetProperty("open").GetDecimal()));
        foreach (var item in items)
        {
            var alone = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/campaigns/{item.GetProperty("campaignId").GetGuid()}/results", Token));
            Assert.Equal(alone.GetRawText(), item.GetRawText());
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("?ids=")]
    [InlineData("?ids=not-an-id")]
    public async Task A_comparison_without_campaign_ids_is_refused_naming_ids(string query)
    {
        var response = await api.ClientFor($"tenant-{Guid.NewGuid():N}").GetAsync($"/api/v1/campaigns/results{query}", Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await CampaignApi.ReadAsync(response)).GetProperty("errors").TryGetProperty("ids", out _));
    }

    [Fact]
    public async Task Another_tenants_campaign_is_not_found_in_a_comparison()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        await api.CustomersAsync(tenant, "Ada");
        var id = await CampaignApi.LaunchToCustomersAsync(api.ClientFor(tenant));

        var response = await api.ClientFor($"tenant-{Guid.NewGuid():N}").GetAsync($"/api/v1/campaigns/results?ids={id}", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
