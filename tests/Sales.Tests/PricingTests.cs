using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

/// <summary>Order arithmetic against cases worked out by hand.</summary>
public sealed class PricingTests(SalesApi api) : IClassFixture<SalesApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    [Fact]
    public async Task Lines_take_their_tier_discount_and_half_even_rounding_and_tax_is_rounded_once_per_rate()
    {
        var customer = await api.CreateCustomerAsync(_tenant);
        var widget = await CreateProductAsync(Client, "PR-WIDGET");
        var seed = await CreateProductAsync(Client, "PR-SEED", taxCategory: "reduced");
        var screw = await CreateProductAsync(Client, "PR-SCREW");
        var list = await CreatePriceListWithTiersAsync(
            "EUR",
            (widget, [(1, "10.00"), (10, "9.00"), (50, "8.50")]),
            (seed, [(1, "0.125")]),
            (screw, [(1, "0.125")]));

        var order = await CreateAsync(Client, "/api/v1/orders", new
        {
            personId = customer,
            currency = "EUR",
            priceListId = list,
            lines = new object[]
            {
                // 12 reaches the tier from 10: 12 × 9.00 = 108.00, less 3.00 = 105.00.
                new { productId = widget, quantity = 12, discount = "3.00" },
                // 12 × 0.125 = 1.50 exactly.
                new { productId = seed, quantity = 12 },
                // 5 × 0.125 = 0.625, half-even to 0.62 (half-up would give 0.63).
                new { productId = screw, quantity = 5 },
            },
        });

        var lines = order.GetProperty("lines");
        Assert.Equal(("9.00", "108.00", "3.00", "105.00"), Amounts(lines[0]));
        Assert.Equal(("0.125", "1.50", "0.00", "1.50"), Amounts(lines[1]));
        Assert.Equal(("0.125", "0.62", "0.00", "0.62"), Amounts(lines[2]));
        Assert.Equal(0.07m, lines[1].GetProperty("taxRate").GetDecimal());
        // 7 % of 1.50 = 0.105, half-even to 0.10; 19 % of (105.00 + 0.62) = 20.0678, to 20.07.
        var taxes = order.GetProperty("taxes");
        Assert.Equal((0.07m, "1.50", "0.10"), Tax(taxes[0]));
        Assert.Equal((0.19m, "105.62", "20.07"), Tax(taxes[1]));
        Assert.Equal("107.12", order.GetProperty("netTotal").GetProperty("amount").GetString());
        Assert.Equal("3.00", order.GetProperty("discountTotal").GetProperty("amount").GetString());
        Assert.Equal("20.17", order.GetProperty("taxTotal").GetProperty("amount").GetString());
        Assert.Equal("127.29", order.GetProperty("total").GetProperty("amount").GetString());
        Assert.Equal("EUR", order.GetProperty("total").GetProperty("currency").GetString());
    }

    [Fact]
    public async Task A_currency_without_minor_unit_rounds_to_whole_units()
    {
        var customer = await api.CreateCustomerAsync(_tenant);
        var product = await CreateProductAsync(Client, "PR-YEN");
        var list = await CreatePriceListWithTiersAsync("JPY", (product, [(1, "99.5")]));

        var order = await CreateAsync(Client, "/api/v1/orders", new { personId = customer, currency = "JPY", priceListId = list, lines = new[] { new { productId = product, quantity = 3 } } });

        // 3 × 99.5 = 298.5, half-even to 298; 19 % of 298 = 56.62, to 57.
        Assert.Equal("298.00", order.GetProperty("lines")[0].GetProperty("netAmount").GetProperty("amount").GetString());
        Assert.Equal("57.00", order.GetProperty("taxTotal").GetProperty("amount").GetString());
        Assert.Equal("355.00", order.GetProperty("total").GetProperty("amount").GetString());
    }

    [Theory]
    [InlineData(9, "10.00", "90.00")]
    [InlineData(10, "9.00", "90.00")]
    [InlineData(49.5, "9.00", "445.50")]
    [InlineData(50, "8.50", "425.00")]
    public async Task The_tier_is_the_one_with_the_largest_minimum_the_quantity_reaches(decimal quantity, string unitPrice, string net)
    {
        var customer = await api.CreateCustomerAsync(_tenant);
        var product = await CreateProductAsync(Client, $"PR-TIER-{quantity}");
        await CreatePriceListWithTiersAsync("EUR", (product, [(1, "10.00"), (10, "9.00"), (50, "8.50")]));

        var order = await CreateAsync(Client, "/api/v1/orders", new { personId = customer, currency = "EUR", lines = new[] { new { productId = product, quantity } } });

        var line = order.GetProperty("lines")[0];
        Assert.Equal(unitPrice, line.GetProperty("unitPrice").GetProperty("amount").GetString());
        Assert.Equal(net, line.GetProperty("netAmount").GetProperty("amount").GetString());
    }

    [Fact]
    public async Task Without_a_named_list_the_latest_valid_one_in_the_currency_prices_the_order()
    {
        var customer = await api.CreateCustomerAsync(_tenant);
        var product = await CreateProductAsync(Client, "PR-DEFAULT");
        await CreateAsync(Client, "/api/v1/price-lists", PriceList("Expired", "GBP", "2020-01-01", "2020-12-31", product, "1.00"));
        var current = (await CreateAsync(Client, "/api/v1/price-lists", PriceList("Current", "GBP", "2021-01-01", null, product, "2.00"))).GetProperty("id").GetGuid();
        await CreateAsync(Client, "/api/v1/price-lists", PriceList("Future", "GBP", "2999-01-01", null, product, "3.00"));
        await CreateAsync(Client, "/api/v1/price-lists", PriceList("Other currency", "USD", "2025-01-01", null, product, "4.00"));

        var order = await CreateAsync(Client, "/api/v1/orders", new { personId = customer, currency = "GBP", lines = new[] { new { productId = product, quantity = 1 } } });

        Assert.Equal(current, order.GetProperty("priceListId").GetGuid());
        Assert.Equal("2.00", order.GetProperty("lines")[0].GetProperty("unitPrice").GetProperty("amount").GetString());
    }

    [Fact]
    public async Task An_order_that_cannot_be_priced_names_each_field_and_changes_nothing()
    {
        var customer = await api.CreateCustomerAsync(_tenant);
        var priced = await CreateProductAsync(Client, "PR-OK", onHand: 5);
        var unpriced = await CreateProductAsync(Client, "PR-UNPRICED");
        var bulk = await CreateProductAsync(Client, "PR-BULK");
        var inactive = await CreateProductAsync(Client, "PR-OFF");
        await SendAsync(Client, HttpMethod.Patch, $"/api/v1/products/{inactive}", """{ "active": false }""");
        var list = await CreatePriceListWithTiersAsync("EUR", (priced, [(1, "5.00")]), (bulk, [(5, "1.00")]), (inactive, [(1, "1.00")]));

        var response = await Client.PostAsJsonAsync("/api/v1/orders", new
        {
            personId = customer,
            currency = "EUR",
            priceListId = list,
            lines = new object[]
            {
                new { productId = priced, quantity = 1, discount = "5.01" },
                new { productId = unpriced, quantity = 1 },
                new { productId = bulk, quantity = 2 },
                new { productId = inactive, quantity = 1 },
            },
        }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["lines[0].discount", "lines[1].productId", "lines[2].quantity", "lines[3].productId"], (await ErrorFieldsAsync(response)).Order(StringComparer.Ordinal));
        var stock = await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{priced}/stock", TestContext.Current.CancellationToken));
        Assert.Equal(0, stock.GetProperty("reserved").GetDecimal());
    }

    [Fact]
    public async Task Currencies_never_mix_and_the_list_must_be_valid_today()
    {
        var customer = await api.CreateCustomerAsync(_tenant);
        var product = await CreateProductAsync(Client, "PR-MIX");
        var euros = await CreatePriceListWithTiersAsync("EUR", (product, [(1, "1.00")]));
        var expired = (await CreateAsync(Client, "/api/v1/price-lists", PriceList("Expired", "EUR", "2020-01-01", "2020-12-31", product, "1.00"))).GetProperty("id").GetGuid();
        var line = new[] { new { productId = product, quantity = 1 } };

        var mixed = await Client.PostAsJsonAsync("/api/v1/orders", new { personId = customer, currency = "USD", priceListId = euros, lines = line }, TestContext.Current.CancellationToken);
        var old = await Client.PostAsJsonAsync("/api/v1/orders", new { personId = customer, currency = "EUR", priceListId = expired, lines = line }, TestContext.Current.CancellationToken);
        var none = await Client.PostAsJsonAsync("/api/v1/orders", new { personId = customer, currency = "CHF", lines = line }, TestContext.Current.CancellationToken);
        var notIso = await Client.PostAsJsonAsync("/api/v1/orders", new { personId = customer, currency = "EURO", lines = line }, TestContext.Current.CancellationToken);

        Assert.Equal(["currency"], await ErrorFieldsAsync(mixed));
        Assert.Equal(["priceListId"], await ErrorFieldsAsync(old));
        Assert.Equal(["priceListId"], await ErrorFieldsAsync(none));
        Assert.Equal(["currency"], await ErrorFieldsAsync(notIso));
    }

    private async Task<Guid> CreatePriceListWithTiersAsync(string currency, params (Guid ProductId, (decimal MinQuantity, string UnitPrice)[] Tiers)[] prices) =>
        (await CreateAsync(Client, "/api/v1/price-lists", new
        {
            name = $"{currency} tiers",
            currency,
            validFrom = Today,
            prices = prices.Select(price => new
            {
                productId = price.ProductId,
                tiers = price.Tiers.Select(tier => new { minQuantity = tier.MinQuantity, unitPrice = tier.UnitPrice }),
            }),
            taxRates = new[] { new { taxCategory = "standard", rate = 0.19m }, new { taxCategory = "reduced", rate = 0.07m } },
        })).GetProperty("id").GetGuid();

    private static object PriceList(string name, string currency, string validFrom, string? validTo, Guid product, string unitPrice) => new
    {
        name,
        currency,
        validFrom,
        validTo,
        prices = new[] { new { productId = product, tiers = new[] { new { minQuantity = 1, unitPrice } } } },
        taxRates = new[] { new { taxCategory = "standard", rate = 0.19m } },
    };

    private static (string?, string?, string?, string?) Amounts(JsonElement line) => (
        line.GetProperty("unitPrice").GetProperty("amount").GetString(),
        line.GetProperty("grossAmount").GetProperty("amount").GetString(),
        line.GetProperty("discount").GetProperty("amount").GetString(),
        line.GetProperty("netAmount").GetProperty("amount").GetString());

    private static (decimal, string?, string?) Tax(JsonElement tax) => (
        tax.GetProperty("rate").GetDecimal(),
        tax.GetProperty("netAmount").GetProperty("amount").GetString(),
        tax.GetProperty("taxAmount").GetProperty("amount").GetString());
}
