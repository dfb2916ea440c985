using System.Net;
using System.Net.Http.Json;
using CrmCloud.Contracts.Campaign;
using CrmCloud.Sales.Features.Offers;
using CrmCloud.Sales.Features.Orders;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class OfferCodesTests(SalesApi api) : IClassFixture<SalesApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_shared_code_takes_its_percentage_off_each_line_and_the_order_names_the_campaign()
    {
        var (customer, product) = await ArrangeAsync();
        var campaign = Guid.NewGuid();
        var message = Guid.NewGuid();
        await api.DeliverAsync(Offer(campaign, version: 2, percent: 10m, sharedCode: "WINTER10"), message);
        await api.DeliverAsync(Offer(campaign, version: 2, percent: 10m, sharedCode: "WINTER10"), message);
        // An older publication arriving late changes nothing.
        var stale = Guid.NewGuid();
        await api.DeliverAsync(Offer(campaign, version: 1, percent: 50m, sharedCode: "WINTER10"), stale);
        await api.WaitUntilConsumedAsync(message, 2);
        await api.WaitUntilConsumedAsync(stale, 1);

        var response = await PlaceAsync(customer, product, quantity: 4, code: " winter10 ");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await ReadJsonAsync(response);
        // 4 × 2.50 = 10.00, 10 % off = 1.00: net 9.00, tax 1.71, total 10.71.
        Assert.Equal("1.00", order.GetProperty("discountTotal").GetProperty("amount").GetString());
        Assert.Equal("10.71", order.GetProperty("total").GetProperty("amount").GetString());
        Assert.Equal(campaign, order.GetProperty("offer").GetProperty("campaignId").GetGuid());
        Assert.Equal("WINTER10", order.GetProperty("offer").GetProperty("code").GetString());
        Assert.Equal(
            1,
            await Database.CountAsync(
                api.DatabaseConnectionString,
                "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Sales.OrderPlaced' AND tenant_id = $1 AND payload->>'campaignId' = $2 AND payload->>'offerCode' = 'WINTER10'",
                _tenant,
                campaign.ToString()));
        var offer = await ReadJsonAsync(await Client.GetAsync($"/api/v1/offers?code=winter10", Token));
        Assert.Equal(2, Assert.Single(offer.GetProperty("items").EnumerateArray()).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_unique_code_is_good_for_one_order_of_its_own_customer()
    {
        var (customer, product) = await ArrangeAsync();
        var other = await api.CreateCustomerAsync(_tenant, "Byron");
        var campaign = Guid.NewGuid();
        await api.DeliverAsync(Offer(campaign, version: 1, amount: 3m, kind: "unique"), Guid.NewGuid());
        var batch = Guid.NewGuid();
        var codes = new CampaignOfferCodesIssued(_tenant, campaign, [new OfferCode("ADA-7Q2", customer), new OfferCode("BYR-9K1", other)], DateTimeOffset.UtcNow);
        await api.DeliverAsync(codes, batch);
        await api.DeliverAsync(codes, batch);
        await api.WaitUntilConsumedAsync(batch, 2);
        await Eventually.Until(
            async () => (await ReadJsonAsync(await Client.GetAsync("/api/v1/offers?code=ada-7q2", Token))).GetProperty("items").GetArrayLength() == 1,
            TimeSpan.FromSeconds(30),
            "the offer to reach sales");

        var someoneElses = await PlaceAsync(customer, product, quantity: 2, code: "BYR-9K1");
        var first = await PlaceAsync(customer, product, quantity: 2, code: "ada-7q2");
        var second = await PlaceAsync(customer, product, quantity: 2, code: "ADA-7Q2");

        Assert.Equal(["offerCode"], await ErrorFieldsAsync(someoneElses));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        // 2 × 2.50 = 5.00 less 3.00: net 2.00, tax 0.38.
        Assert.Equal("2.38", (await ReadJsonAsync(first)).GetProperty("total").GetProperty("amount").GetString());
        Assert.Equal(["offerCode"], await ErrorFieldsAsync(second));
        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM issued_offer_codes WHERE tenant_id = $1", _tenant));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM orders WHERE tenant_id = $1", _tenant));
        Assert.Equal(2, (await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{product}/stock", Token))).GetProperty("reserved").GetDecimal());
    }

    [Fact]
    public async Task Unknown_withdrawn_expired_or_foreign_currency_codes_are_refused_and_nothing_is_placed()
    {
        var (customer, product) = await ArrangeAsync();
        var withdrawn = Guid.NewGuid();
        var ended = Guid.NewGuid();
        var dollars = Guid.NewGuid();
        await api.DeliverAsync(Offer(withdrawn, 1, percent: 5m, sharedCode: "GONE"), Guid.NewGuid());
        var withdrawal = Guid.NewGuid();
        await api.DeliverAsync(Offer(withdrawn, 2, percent: 5m, sharedCode: "GONE") with { Withdrawn = true }, withdrawal);
        await api.DeliverAsync(Offer(ended, 1, percent: 5m, sharedCode: "OLD") with { ValidUntil = DateTimeOffset.UtcNow.AddDays(-1) }, Guid.NewGuid());
        var last = Guid.NewGuid();
        await api.DeliverAsync(Offer(dollars, 1, amount: 5m, sharedCode: "USD5") with { Currency = "USD" }, last);
        await api.WaitUntilConsumedAsync(withdrawal, 1);
        await api.WaitUntilConsumedAsync(last, 1);
        await Eventually.Until(
            async () => (await ReadJsonAsync(await Client.GetAsync("/api/v1/offers", Token))).GetProperty("items").GetArrayLength() == 3,
            TimeSpan.FromSeconds(30),
            "the offers to reach sales");

        foreach (var code in new[] { "NOPE", "GONE", "OLD", "USD5" })
        {
            var response = await PlaceAsync(customer, product, quantity: 1, code: code);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["offerCode"], await ErrorFieldsAsync(response));
        }

        Assert.Equal(["offerCode"], await ErrorFieldsAsync(await PlaceAsync(customer, product, quantity: 1, code: new string('X', 65))));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM orders WHERE tenant_id = $1", _tenant));
        Assert.Equal(0, (await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{product}/stock", Token))).GetProperty("reserved").GetDecimal());
        Assert.Equal(HttpStatusCode.NotFound, (await api.ClientFor(NewTenant()).GetAsync($"/api/v1/offers/{dollars}", Token)).StatusCode);
    }

    [Fact]
    public void An_amount_off_is_shared_in_proportion_to_the_lines_and_adds_up_exactly()
    {
        PricedLine Line(decimal net, decimal rate) => new(Guid.NewGuid(), "S", "N", "piece", 1, net, net, 0, "standard", rate, net);
        var priced = OrderPricing.Totals("EUR", [Line(10.00m, 0.19m), Line(20.00m, 0.19m), Line(3.33m, 0.07m)]);

        var discounted = OfferCodes.Discounted(priced, percent: null, amount: 10.00m);

        // 10.00 × 10/33.33 = 3.00, × 20/33.33 = 6.00, × 3.33/33.33 = 1.00 (0.999…): 10.00 exactly.
        Assert.Equal([3.00m, 6.00m, 1.00m], discounted.Lines.Select(line => line.Discount));
        Assert.Equal(23.33m, discounted.NetTotal);
        Assert.Equal(10.00m, discounted.DiscountTotal);
        Assert.Equal(discounted.Lines.Sum(line => line.NetAmount), discounted.NetTotal);
        Assert.Equal(discounted.NetTotal + discounted.TaxTotal, discounted.Total);
        // More off than the order is worth takes it to zero, never below.
        Assert.Equal(0m, OfferCodes.Discounted(priced, null, 100m).NetTotal);
    }

    private CampaignOfferPublished Offer(Guid campaign, long version, decimal? percent = null, decimal? amount = null, string? sharedCode = null, string kind = "shared") =>
        new(_tenant, campaign, "Winter sale", version, kind, sharedCode, percent, amount, amount is null ? null : "EUR", "Not combinable", null, null, false, DateTimeOffset.UtcNow);

    private async Task<(Guid Customer, Guid Product)> ArrangeAsync()
    {
        var customer = await api.CreateCustomerAsync(_tenant);
        var product = await CreateProductAsync(Client, $"O-{Guid.NewGuid():N}"[..12], 100);
        await CreatePriceListAsync(Client, "EUR", (product, "2.50"));
        return (customer, product);
    }

    private async Task<HttpResponseMessage> PlaceAsync(Guid customer, Guid product, decimal quantity, string code) =>
        await Client.PostAsJsonAsync("/api/v1/orders", new { personId = customer, currency = "EUR", lines = new[] { new { productId = product, quantity } }, offerCode = code }, Token);
}
