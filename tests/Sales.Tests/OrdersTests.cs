using System.Net;
using System.Net.Http.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class OrdersTests(SalesApi api) : IClassFixture<SalesApi>
{
    private const string EventsOfOrder = "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'orderId' = $2";

    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Placing_reserves_stock_numbers_the_order_and_writes_order_placed_with_it()
    {
        var (customer, product) = await ArrangeAsync("ORD-1", onHand: 10);

        var response = await Client.PostAsJsonAsync(
            "/api/v1/orders",
            new { personId = customer, currency = "EUR", lines = new[] { new { productId = product, quantity = 4, discount = "1.00" } }, shippingAddress = new { city = "Berlin", country = "de" } },
            Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var order = await ReadJsonAsync(response);
        var id = order.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/orders/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("SO-000001", order.GetProperty("number").GetString());
        Assert.Equal("placed", order.GetProperty("status").GetString());
        Assert.Equal("DE", order.GetProperty("shippingAddress").GetProperty("country").GetString());
        Assert.Equal("ORD-1", order.GetProperty("lines")[0].GetProperty("sku").GetString());
        var stock = await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{product}/stock", Token));
        Assert.Equal(4, stock.GetProperty("reserved").GetDecimal());
        Assert.Equal(6, stock.GetProperty("available").GetDecimal());
        // 4 × 2.50 = 10.00, less 1.00 = 9.00 net; 19 % tax 1.71; total 10.71, as billing reads it from the event.
        Assert.Equal(
            1,
            await Database.CountAsync(
                api.DatabaseConnectionString,
                """
                SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Sales.OrderPlaced' AND payload->>'orderId' = $1
                AND payload->>'orderNumber' = 'SO-000001' AND payload->>'personId' = $2 AND (payload->>'netTotal')::numeric = 9.00
                AND (payload->>'discountTotal')::numeric = 1.00 AND (payload->>'taxTotal')::numeric = 1.71 AND (payload->>'total')::numeric = 10.71
                AND payload->>'currency' = 'EUR' AND jsonb_array_length(payload->'lines') = 1
                AND (payload->'lines'->0->>'taxRate')::numeric = 0.19 AND (payload->'lines'->0->>'netAmount')::numeric = 9.00
                """,
                id.ToString(),
                customer.ToString()));
    }

    [Fact]
    public async Task A_line_beyond_available_stock_is_a_409_naming_it_and_nothing_is_reserved_or_published()
    {
        var (customer, plenty) = await ArrangeAsync("ORD-2A", onHand: 10);
        var scarce = await CreateProductAsync(Client, "ORD-2B", onHand: 3);
        await SendAsync(Client, HttpMethod.Patch, $"/api/v1/price-lists/{await PriceListIdAsync()}", $$"""
            { "prices": [
                { "productId": "{{plenty}}", "tiers": [{ "minQuantity": 1, "unitPrice": "2.50" }] },
                { "productId": "{{scarce}}", "tiers": [{ "minQuantity": 1, "unitPrice": "1.00" }] } ] }
            """);

        var response = await Client.PostAsJsonAsync(
            "/api/v1/orders",
            new { personId = customer, currency = "EUR", lines = new[] { new { productId = plenty, quantity = 5 }, new { productId = scarce, quantity = 4 } } },
            Token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        var shortage = Assert.Single(problem.GetProperty("shortages").EnumerateArray());
        Assert.Equal(1, shortage.GetProperty("line").GetInt32());
        Assert.Equal(scarce, shortage.GetProperty("productId").GetGuid());
        Assert.Equal(3, shortage.GetProperty("available").GetDecimal());
        Assert.Equal(["lines[1].quantity"], problem.GetProperty("errors").EnumerateObject().Select(error => error.Name));
        Assert.Equal(0, (await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{plenty}/stock", Token))).GetProperty("reserved").GetDecimal());
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM orders WHERE tenant_id = $1", _tenant));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1", _tenant));
    }

    [Fact]
    public async Task Request_fields_are_named()
    {
        var (customer, product) = await ArrangeAsync("ORD-3");

        var empty = await Client.PostAsJsonAsync("/api/v1/orders", new { currency = "EUR", lines = Array.Empty<object>() }, Token);
        var lines = await Client.PostAsJsonAsync(
            "/api/v1/orders",
            new { personId = customer, currency = "EUR", lines = new object[] { new { productId = product, quantity = 0 }, new { productId = product, quantity = 1, discount = "0.001" } } },
            Token);
        var stranger = await Client.PostAsJsonAsync("/api/v1/orders", new { personId = Guid.CreateVersion7(), currency = "EUR", lines = new[] { new { productId = product, quantity = 1 } } }, Token);

        Assert.Equal(["lines", "personId"], (await ErrorFieldsAsync(empty)).Order(StringComparer.Ordinal));
        Assert.Equal(["lines[0].quantity", "lines[1].discount", "lines[1].productId"], (await ErrorFieldsAsync(lines)).Order(StringComparer.Ordinal));
        Assert.Equal(["personId"], await ErrorFieldsAsync(stranger));
    }

    [Fact]
    public async Task Shipping_takes_the_goods_out_of_stock_and_delivery_follows()
    {
        var (customer, product) = await ArrangeAsync("ORD-4", onHand: 10);
        var id = await PlaceAsync(customer, product, 4);

        var shipped = await SendAsync(Client, HttpMethod.Post, $"/api/v1/orders/{id}/ship", """{ "carrier": "DHL", "trackingNumber": "JD0001" }""", ifMatch: "\"1\"");
        var delivered = await SendAsync(Client, HttpMethod.Post, $"/api/v1/orders/{id}/deliver", null);
        var cancelled = await SendAsync(Client, HttpMethod.Post, $"/api/v1/orders/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, shipped.StatusCode);
        var afterShipping = await ReadJsonAsync(shipped);
        Assert.Equal("shipped", afterShipping.GetProperty("status").GetString());
        Assert.Equal("DHL", afterShipping.GetProperty("carrier").GetString());
        Assert.Equal("JD0001", afterShipping.GetProperty("trackingNumber").GetString());
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal("delivered", (await ReadJsonAsync(delivered)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, cancelled.StatusCode);
        var stock = await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{product}/stock", Token));
        Assert.Equal(6, stock.GetProperty("onHand").GetDecimal());
        Assert.Equal(0, stock.GetProperty("reserved").GetDecimal());
        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, EventsOfOrder, "CrmCloud.Contracts.Sales.OrderStatusChanged", id.ToString()));
        Assert.Equal(
            1,
            await Database.CountAsync(
                api.DatabaseConnectionString,
                EventsOfOrder + " AND payload->>'status' = 'shipped' AND payload->>'previousStatus' = 'placed' AND payload->>'trackingNumber' = 'JD0001'",
                "CrmCloud.Contracts.Sales.OrderStatusChanged",
                id.ToString()));
    }

    [Fact]
    public async Task Cancelling_releases_the_reservation_and_writes_order_cancelled()
    {
        var (customer, product) = await ArrangeAsync("ORD-5", onHand: 10);
        var id = await PlaceAsync(customer, product, 7);

        // 7 × 2.50 = 17.50; 19 % of it is 3.325, half-even to 3.32: 20.82 in all.
        var cancelled = await SendAsync(Client, HttpMethod.Post, $"/api/v1/orders/{id}/cancel", """{ "reason": "Changed mind" }""");
        var again = await SendAsync(Client, HttpMethod.Post, $"/api/v1/orders/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var order = await ReadJsonAsync(cancelled);
        Assert.Equal("cancelled", order.GetProperty("status").GetString());
        Assert.Equal("Changed mind", order.GetProperty("cancellationReason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var stock = await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{product}/stock", Token));
        Assert.Equal(10, stock.GetProperty("onHand").GetDecimal());
        Assert.Equal(0, stock.GetProperty("reserved").GetDecimal());
        Assert.Equal(
            1,
            await Database.CountAsync(
                api.DatabaseConnectionString,
                EventsOfOrder + " AND payload->>'reason' = 'Changed mind' AND (payload->>'total')::numeric = 20.82",
                "CrmCloud.Contracts.Sales.OrderCancelled",
                id.ToString()));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, EventsOfOrder, "CrmCloud.Contracts.Sales.OrderStatusChanged", id.ToString()));
    }

    [Fact]
    public async Task A_stale_if_match_is_rejected_with_412_and_changes_nothing()
    {
        var (customer, product) = await ArrangeAsync("ORD-6", onHand: 10);
        var id = await PlaceAsync(customer, product, 2);

        var stale = await SendAsync(Client, HttpMethod.Post, $"/api/v1/orders/{id}/cancel", "{}", ifMatch: "\"7\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("placed", (await ReadJsonAsync(await Client.GetAsync($"/api/v1/orders/{id}", Token))).GetProperty("status").GetString());
        Assert.Equal(2, (await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{product}/stock", Token))).GetProperty("reserved").GetDecimal());
    }

    [Fact]
    public async Task Orders_are_listed_by_customer_and_status()
    {
        var (customer, product) = await ArrangeAsync("ORD-7", onHand: 10);
        var other = await api.CreateCustomerAsync(_tenant, "Other");
        var first = await PlaceAsync(customer, product, 1);
        var second = await PlaceAsync(customer, product, 1);
        await PlaceAsync(other, product, 1);
        await SendAsync(Client, HttpMethod.Post, $"/api/v1/orders/{first}/cancel", null);

        var mine = await ReadJsonAsync(await Client.GetAsync($"/api/v1/orders?personId={customer}", Token));
        var placed = await ReadJsonAsync(await Client.GetAsync($"/api/v1/orders?personId={customer}&status=placed", Token));
        var badStatus = await Client.GetAsync("/api/v1/orders?status=lost", Token);

        Assert.Equal([first, second], mine.GetProperty("items").EnumerateArray().Select(order => order.GetProperty("id").GetGuid()));
        Assert.Equal([second], placed.GetProperty("items").EnumerateArray().Select(order => order.GetProperty("id").GetGuid()));
        Assert.Equal(["status"], await ErrorFieldsAsync(badStatus));
    }

    [Fact]
    public async Task Another_tenant_cannot_see_or_move_an_order()
    {
        var (customer, product) = await ArrangeAsync("ORD-8", onHand: 10);
        var id = await PlaceAsync(customer, product, 1);
        var stranger = api.ClientFor(NewTenant());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/orders/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(stranger, HttpMethod.Post, $"/api/v1/orders/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(stranger, HttpMethod.Post, $"/api/v1/orders/{id}/ship", null)).StatusCode);
        Assert.Empty((await ReadJsonAsync(await stranger.GetAsync("/api/v1/orders", Token))).GetProperty("items").EnumerateArray());
        // Nor place one for this tenant's customer with this tenant's product.
        var placed = await stranger.PostAsJsonAsync("/api/v1/orders", new { personId = customer, currency = "EUR", lines = new[] { new { productId = product, quantity = 1 } } }, Token);
        Assert.Equal(HttpStatusCode.BadRequest, placed.StatusCode);
        Assert.Equal("placed", (await ReadJsonAsync(await Client.GetAsync($"/api/v1/orders/{id}", Token))).GetProperty("status").GetString());
    }

    private async Task<(Guid Customer, Guid Product)> ArrangeAsync(string sku, decimal onHand = 100)
    {
        var customer = await api.CreateCustomerAsync(_tenant);
        var product = await CreateProductAsync(Client, sku, onHand);
        await CreatePriceListAsync(Client, "EUR", (product, "2.50"));
        return (customer, product);
    }

    private async Task<Guid> PriceListIdAsync() =>
        (await ReadJsonAsync(await Client.GetAsync("/api/v1/price-lists", Token))).GetProperty("items")[0].GetProperty("id").GetGuid();

    private async Task<Guid> PlaceAsync(Guid customer, Guid product, decimal quantity) =>
        (await CreateAsync(Client, "/api/v1/orders", new { personId = customer, currency = "EUR", lines = new[] { new { productId = product, quantity } } }))
            .GetProperty("id").GetGuid();
}
