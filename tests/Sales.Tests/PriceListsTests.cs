using System.Net;
using System.Net.Http.Json;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class PriceListsTests(SalesApi api) : IClassFixture<SalesApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_returns_the_list_with_tiers_as_decimal_strings()
    {
        var product = await CreateProductAsync(Client, "PL-1", onHand: 0);

        var response = await Client.PostAsJsonAsync(
            "/api/v1/price-lists",
            new
            {
                name = "Retail 2026",
                currency = "eur",
                validFrom = "2026-01-01",
                validTo = "2026-12-31",
                prices = new[] { new { productId = product, tiers = new object[] { new { minQuantity = 1, unitPrice = "10" }, new { minQuantity = 10, unitPrice = "9.5" } } } },
                taxRates = new[] { new { taxCategory = "Standard", rate = 0.19m } },
            },
            Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var list = await ReadJsonAsync(response);
        Assert.Equal("EUR", list.GetProperty("currency").GetString());
        Assert.Equal("2026-01-01", list.GetProperty("validFrom").GetString());
        Assert.Equal("2026-12-31", list.GetProperty("validTo").GetString());
        var tiers = list.GetProperty("prices")[0].GetProperty("tiers");
        Assert.Equal(["10.00", "9.50"], tiers.EnumerateArray().Select(tier => tier.GetProperty("unitPrice").GetString()));
        Assert.Equal([1m, 10m], tiers.EnumerateArray().Select(tier => tier.GetProperty("minQuantity").GetDecimal()));
        Assert.Equal("standard", list.GetProperty("taxRates")[0].GetProperty("taxCategory").GetString());
        Assert.Equal(0.19m, list.GetProperty("taxRates")[0].GetProperty("rate").GetDecimal());
    }

    [Fact]
    public async Task Invalid_fields_are_named_down_to_the_tier()
    {
        var product = await CreateProductAsync(Client, "PL-2", onHand: 0);

        var response = await Client.PostAsJsonAsync(
            "/api/v1/price-lists",
            new
            {
                name = "Broken",
                currency = "XYZ",
                validFrom = "2026-06-01",
                validTo = "2026-05-31",
                prices = new object[]
                {
                    new { productId = product, tiers = new object[] { new { minQuantity = 10, unitPrice = "5.00" }, new { minQuantity = 10, unitPrice = "4.00" }, new { minQuantity = 20, unitPrice = "-1" } } },
                    new { productId = product, tiers = new object[] { new { minQuantity = 1, unitPrice = "1.1234567" } } },
                },
                taxRates = new object[] { new { taxCategory = "standard", rate = 0.19m }, new { taxCategory = "standard", rate = 1.5m } },
            },
            Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            [
                "currency",
                "prices[0].tiers[1].minQuantity",
                "prices[0].tiers[2].unitPrice",
                "prices[1].productId",
                "prices[1].tiers[0].unitPrice",
                "taxRates[1].rate",
                "taxRates[1].taxCategory",
                "validTo",
            ],
            (await ErrorFieldsAsync(response)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_price_given_as_a_json_number_is_refused_naming_it()
    {
        var product = await CreateProductAsync(Client, "PL-3", onHand: 0);

        using var body = new StringContent(
            $$"""{ "name": "Floats", "currency": "EUR", "validFrom": "2026-01-01", "prices": [{ "productId": "{{product}}", "tiers": [{ "minQuantity": 1, "unitPrice": 9.99 }] }] }""",
            System.Text.Encoding.UTF8,
            "application/json");
        var response = await Client.PostAsync("/api/v1/price-lists", body, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["prices[0].tiers[0].unitPrice"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task A_product_of_another_tenant_cannot_be_priced()
    {
        var foreign = await CreateProductAsync(api.ClientFor(NewTenant()), "PL-FOREIGN", onHand: 0);

        var response = await Client.PostAsJsonAsync(
            "/api/v1/price-lists",
            new { name = "Foreign", currency = "EUR", validFrom = Today, prices = new[] { new { productId = foreign, tiers = new[] { new { minQuantity = 1, unitPrice = "1.00" } } } } },
            Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["prices[0].productId"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task Patch_replaces_prices_whole_and_a_stale_if_match_is_rejected_with_412()
    {
        var first = await CreateProductAsync(Client, "PL-4", onHand: 0);
        var second = await CreateProductAsync(Client, "PL-5", onHand: 0);
        var id = await CreatePriceListAsync(Client, "EUR", (first, "1.00"));
        var path = $"/api/v1/price-lists/{id}";

        var patched = await SendAsync(
            Client, HttpMethod.Patch, path, $$"""{ "name": "Renamed", "validTo": null, "prices": [{ "productId": "{{second}}", "tiers": [{ "minQuantity": 1, "unitPrice": "2.5" }] }] }""", ifMatch: "\"1\"");
        var stale = await SendAsync(Client, HttpMethod.Patch, path, """{ "name": "Lost" }""", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var stored = await ReadJsonAsync(await Client.GetAsync(path, Token));
        Assert.Equal("Renamed", stored.GetProperty("name").GetString());
        var price = Assert.Single(stored.GetProperty("prices").EnumerateArray());
        Assert.Equal(second, price.GetProperty("productId").GetGuid());
        Assert.Equal("2.50", price.GetProperty("tiers")[0].GetProperty("unitPrice").GetString());
        Assert.Equal(2, stored.GetProperty("taxRates").GetArrayLength());
        Assert.Equal(2, stored.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task The_list_filters_by_currency_and_validity()
    {
        await CreateAsync(Client, "/api/v1/price-lists", new { name = "Old USD", currency = "USD", validFrom = "2020-01-01", validTo = "2020-12-31" });
        await CreateAsync(Client, "/api/v1/price-lists", new { name = "Current USD", currency = "USD", validFrom = "2021-01-01" });
        await CreateAsync(Client, "/api/v1/price-lists", new { name = "GBP", currency = "GBP", validFrom = "2020-01-01" });

        var usd = await ReadJsonAsync(await Client.GetAsync("/api/v1/price-lists?currency=usd", Token));
        var in2020 = await ReadJsonAsync(await Client.GetAsync("/api/v1/price-lists?currency=USD&validOn=2020-06-01", Token));

        Assert.Equal(["Old USD", "Current USD"], usd.GetProperty("items").EnumerateArray().Select(list => list.GetProperty("name").GetString()));
        Assert.Equal(["Old USD"], in2020.GetProperty("items").EnumerateArray().Select(list => list.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Another_tenant_cannot_see_change_or_delete_a_price_list()
    {
        var id = await CreatePriceListAsync(Client, "EUR");
        var stranger = api.ClientFor(NewTenant());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/price-lists/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(stranger, HttpMethod.Patch, $"/api/v1/price-lists/{id}", """{ "name": "Taken" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/v1/price-lists/{id}", Token)).StatusCode);
        Assert.Empty((await ReadJsonAsync(await stranger.GetAsync("/api/v1/price-lists", Token))).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/v1/price-lists/{id}", Token)).StatusCode);
    }
}
