using System.Net;
using System.Net.Http.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class OversellTests(SalesApi api) : IClassFixture<SalesApi>
{
    [Fact]
    public async Task Fifty_concurrent_orders_for_the_last_ten_units_place_exactly_ten()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var customer = await api.CreateCustomerAsync(tenant);
        var product = await CreateProductAsync(client, "LAST-10", onHand: 10);
        await CreatePriceListAsync(client, "EUR", (product, "1.00"));
        var order = new { personId = customer, currency = "EUR", lines = new[] { new { productId = product, quantity = 1 } } };
        using var start = new SemaphoreSlim(0);

        var attempts = Enumerable.Range(0, 50).Select(async _ =>
        {
            var caller = api.ClientFor(tenant);
            await start.WaitAsync(TestContext.Current.CancellationToken);
            return (await caller.PostAsJsonAsync("/api/v1/orders", order, TestContext.Current.CancellationToken)).StatusCode;
        }).ToList();
        start.Release(50);
        var answers = await Task.WhenAll(attempts);

        Assert.Equal(10, answers.Count(status => status == HttpStatusCode.Created));
        Assert.Equal(40, answers.Count(status => status == HttpStatusCode.Conflict));
        var stock = await ReadJsonAsync(await client.GetAsync($"/api/v1/products/{product}/stock", TestContext.Current.CancellationToken));
        Assert.Equal(10, stock.GetProperty("reserved").GetDecimal());
        Assert.Equal(0, stock.GetProperty("available").GetDecimal());
        Assert.Equal(10, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(DISTINCT number) FROM orders WHERE tenant_id = $1", tenant));
        Assert.Equal(
            10,
            await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND message_type = 'CrmCloud.Contracts.Sales.OrderPlaced'", tenant));
        // Numbers are handed out only to placed orders: 1 to 10, no gaps from the refused ones.
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM number_series WHERE tenant_id = $1 AND series = 'SO' AND last_number = 10", tenant));
    }
}
