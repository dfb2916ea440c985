using System.Net;
using System.Net.Http.Json;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class StockTests(SalesApi api) : IClassFixture<SalesApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Put_sets_on_hand_and_the_etag_guards_it()
    {
        var id = await CreateProductAsync(Client, "STK-1", onHand: 0);
        var path = $"/api/v1/products/{id}/stock";

        var set = await SendAsync(Client, HttpMethod.Put, path, """{ "onHand": 12.5 }""", ifMatch: "\"1\"");
        var stale = await SendAsync(Client, HttpMethod.Put, path, """{ "onHand": 3 }""", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("\"2\"", set.Headers.ETag?.Tag);
        var stock = await ReadJsonAsync(set);
        Assert.Equal(12.5m, stock.GetProperty("onHand").GetDecimal());
        Assert.Equal(0, stock.GetProperty("reserved").GetDecimal());
        Assert.Equal(12.5m, stock.GetProperty("available").GetDecimal());
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(12.5m, (await ReadJsonAsync(await Client.GetAsync(path, Token))).GetProperty("onHand").GetDecimal());
    }

    [Fact]
    public async Task Invalid_quantities_are_named()
    {
        var id = await CreateProductAsync(Client, "STK-2", onHand: 0);

        var negative = await Client.PutAsJsonAsync($"/api/v1/products/{id}/stock", new { onHand = -1 }, Token);
        var tooFine = await Client.PutAsJsonAsync($"/api/v1/products/{id}/stock", new { onHand = 1.2345m }, Token);

        Assert.Equal(["onHand"], await ErrorFieldsAsync(negative));
        Assert.Equal(["onHand"], await ErrorFieldsAsync(tooFine));
    }

    [Fact]
    public async Task On_hand_cannot_go_below_what_orders_reserve()
    {
        var customer = await api.CreateCustomerAsync(_tenant);
        var id = await CreateProductAsync(Client, "STK-3", onHand: 10);
        await CreatePriceListAsync(Client, "EUR", (id, "1.00"));
        await CreateAsync(Client, "/api/v1/orders", new { personId = customer, currency = "EUR", lines = new[] { new { productId = id, quantity = 4 } } });

        var below = await Client.PutAsJsonAsync($"/api/v1/products/{id}/stock", new { onHand = 3 }, Token);
        var atReserved = await Client.PutAsJsonAsync($"/api/v1/products/{id}/stock", new { onHand = 4 }, Token);

        Assert.Equal(HttpStatusCode.Conflict, below.StatusCode);
        Assert.Contains("reserve 4", (await ReadJsonAsync(below)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, atReserved.StatusCode);
        var stock = await ReadJsonAsync(atReserved);
        Assert.Equal(4, stock.GetProperty("reserved").GetDecimal());
        Assert.Equal(0, stock.GetProperty("available").GetDecimal());
    }
}
