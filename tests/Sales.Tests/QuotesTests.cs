using System.Net;
using System.Net.Http.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class QuotesTests(SalesApi api) : IClassFixture<SalesApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Line_items_price_from_the_list_or_as_negotiated_and_make_the_opportunity_amount()
    {
        var (opportunity, listed, negotiated) = await ArrangeAsync(onHand: 100);

        var response = await Client.PutAsJsonAsync(
            $"/api/v1/opportunities/{opportunity}/line-items",
            new { lineItems = new object[] { new { productId = listed, quantity = 3 }, new { productId = negotiated, quantity = 2, unitPrice = "40.00", discount = "5.00" } } },
            Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        // 3 × 2.50 = 7.50 from the list; 2 × 40.00 − 5.00 = 75.00 as negotiated; 82.50 in all.
        Assert.Equal("82.50", body.GetProperty("amount").GetProperty("amount").GetString());
        Assert.Equal("7.50", body.GetProperty("lineItems")[0].GetProperty("netAmount").GetProperty("amount").GetString());
        Assert.Equal("40.00", body.GetProperty("lineItems")[1].GetProperty("unitPrice").GetProperty("amount").GetString());

        var patch = await SendAsync(Client, HttpMethod.Patch, $"/api/v1/opportunities/{opportunity}", """{ "amount": { "amount": "1.00", "currency": "EUR" } }""", contentType: "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        Assert.Equal(["amount"], await ErrorFieldsAsync(patch));

        var invalid = await Client.PutAsJsonAsync(
            $"/api/v1/opportunities/{opportunity}/line-items",
            new { lineItems = new object[] { new { productId = listed, quantity = 0 }, new { productId = Guid.NewGuid(), quantity = 1, unitPrice = "1" }, new { productId = negotiated, quantity = 1, unitPrice = "-3" } } },
            Token);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(["lineItems[0].quantity", "lineItems[2].unitPrice"], (await ErrorFieldsAsync(invalid)).Order());
        var unknown = await Client.PutAsJsonAsync($"/api/v1/opportunities/{opportunity}/line-items", new { lineItems = new object[] { new { productId = Guid.NewGuid(), quantity = 1, unitPrice = "1" } } }, Token);
        Assert.Equal(["lineItems[0].productId"], await ErrorFieldsAsync(unknown));
        var unchanged = await ReadJsonAsync(await Client.GetAsync($"/api/v1/opportunities/{opportunity}", Token));
        Assert.Equal(2, unchanged.GetProperty("lineItems").GetArrayLength());
        Assert.Equal("82.50", unchanged.GetProperty("amount").GetProperty("amount").GetString());
    }

    [Fact]
    public async Task An_accepted_quote_places_its_order_at_the_quoted_prices_once()
    {
        var (opportunity, listed, negotiated) = await ArrangeAsync(onHand: 10);
        await SetLineItemsAsync(opportunity, listed, negotiated);

        var created = await Client.PostAsJsonAsync("/api/v1/quotes", new { opportunityId = opportunity, terms = "Net 30" }, Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var quote = await ReadJsonAsync(created);
        var id = quote.GetProperty("id").GetGuid();
        Assert.Equal("QT-000001", quote.GetProperty("number").GetString());
        Assert.Equal("draft", quote.GetProperty("status").GetString());
        // Nets 7.50 + 75.00 = 82.50 at 19 %: tax 15.68 (15.675 half-even), total 98.18.
        Assert.Equal("82.50", quote.GetProperty("netTotal").GetProperty("amount").GetString());
        Assert.Equal("15.68", quote.GetProperty("taxTotal").GetProperty("amount").GetString());
        Assert.Equal("98.18", quote.GetProperty("total").GetProperty("amount").GetString());

        Assert.Equal(HttpStatusCode.Conflict, (await Client.PostAsync($"/api/v1/quotes/{id}/accept", null, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/v1/quotes/{id}/send", null, Token)).StatusCode);
        var accepted = await Client.PostAsJsonAsync($"/api/v1/quotes/{id}/accept", new { shippingAddress = new { city = "Lyon", country = "FR" } }, Token);
        var again = await Client.PostAsync($"/api/v1/quotes/{id}/accept", null, Token);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var acceptedQuote = await ReadJsonAsync(accepted);
        Assert.Equal("accepted", acceptedQuote.GetProperty("status").GetString());
        var orderId = acceptedQuote.GetProperty("orderId").GetGuid();
        var order = await ReadJsonAsync(await Client.GetAsync($"/api/v1/orders/{orderId}", Token));
        Assert.Equal(id, order.GetProperty("quoteId").GetGuid());
        Assert.Equal("98.18", order.GetProperty("total").GetProperty("amount").GetString());
        Assert.Equal("40.00", order.GetProperty("lines")[1].GetProperty("unitPrice").GetProperty("amount").GetString());
        Assert.Equal("FR", order.GetProperty("shippingAddress").GetProperty("country").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM orders WHERE tenant_id = $1", _tenant));
        Assert.Equal(
            1,
            await Database.CountAsync(
                api.DatabaseConnectionString,
                "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Sales.OrderPlaced' AND tenant_id = $1 AND (payload->>'total')::numeric = 98.18",
                _tenant));
        var stock = await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{negotiated}/stock", Token));
        Assert.Equal(2, stock.GetProperty("reserved").GetDecimal());
    }

    [Fact]
    public async Task Accepting_beyond_stock_is_a_409_and_the_quote_stays_sent_without_an_order()
    {
        var (opportunity, listed, negotiated) = await ArrangeAsync(onHand: 1);
        await SetLineItemsAsync(opportunity, listed, negotiated);
        var id = (await CreateAsync(Client, "/api/v1/quotes", new { opportunityId = opportunity })).GetProperty("id").GetGuid();
        (await Client.PostAsync($"/api/v1/quotes/{id}/send", null, Token)).EnsureSuccessStatusCode();

        var accepted = await Client.PostAsync($"/api/v1/quotes/{id}/accept", null, Token);

        Assert.Equal(HttpStatusCode.Conflict, accepted.StatusCode);
        Assert.Contains("lines[0].quantity", await ErrorFieldsAsync(accepted));
        var quote = await ReadJsonAsync(await Client.GetAsync($"/api/v1/quotes/{id}", Token));
        Assert.Equal("sent", quote.GetProperty("status").GetString());
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM orders WHERE tenant_id = $1", _tenant));
        Assert.Equal(0, (await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{listed}/stock", Token))).GetProperty("reserved").GetDecimal());
    }

    [Fact]
    public async Task Invalid_quotes_are_named_and_only_drafts_are_deleted_or_sent_ones_declined()
    {
        var (opportunity, listed, _) = await ArrangeAsync(onHand: 10);

        var noLines = await Client.PostAsJsonAsync("/api/v1/quotes", new { opportunityId = opportunity }, Token);
        var invalid = await Client.PostAsJsonAsync("/api/v1/quotes", new { validUntil = "2001-01-01" }, Token);
        var badLines = await Client.PostAsJsonAsync("/api/v1/quotes", new { opportunityId = opportunity, lines = new object[] { new { productId = listed, quantity = -1 } } }, Token);
        var unknown = await Client.PostAsJsonAsync("/api/v1/quotes", new { opportunityId = Guid.NewGuid() }, Token);

        Assert.Equal(["lines"], await ErrorFieldsAsync(noLines));
        Assert.Equal(["opportunityId", "validUntil"], (await ErrorFieldsAsync(invalid)).Order());
        Assert.Equal(["lines[0].quantity"], await ErrorFieldsAsync(badLines));
        Assert.Equal(["opportunityId"], await ErrorFieldsAsync(unknown));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM quotes WHERE tenant_id = $1", _tenant));

        var draft = (await CreateAsync(Client, "/api/v1/quotes", new { opportunityId = opportunity, lines = new object[] { new { productId = listed, quantity = 1 } } })).GetProperty("id").GetGuid();
        var sent = (await CreateAsync(Client, "/api/v1/quotes", new { opportunityId = opportunity, lines = new object[] { new { productId = listed, quantity = 2 } } })).GetProperty("id").GetGuid();
        (await Client.PostAsync($"/api/v1/quotes/{sent}/send", null, Token)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Conflict, (await Client.PostAsJsonAsync($"/api/v1/quotes/{draft}/decline", new { reason = "Too dear" }, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Client.DeleteAsync($"/api/v1/quotes/{sent}", Token)).StatusCode);
        var declined = await ReadJsonAsync(await Client.PostAsJsonAsync($"/api/v1/quotes/{sent}/decline", new { reason = "Too dear" }, Token));
        Assert.Equal("declined", declined.GetProperty("status").GetString());
        Assert.Equal("Too dear", declined.GetProperty("declineReason").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/v1/quotes/{draft}", Token)).StatusCode);
        var listed2 = await ReadJsonAsync(await Client.GetAsync($"/api/v1/quotes?opportunityId={opportunity}&status=declined", Token));
        Assert.Equal(sent, Assert.Single(listed2.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(["status"], await ErrorFieldsAsync(await Client.GetAsync("/api/v1/quotes?status=lost", Token)));
    }

    [Fact]
    public async Task Another_tenant_cannot_see_send_accept_or_delete_a_quote_nor_touch_line_items()
    {
        var (opportunity, listed, _) = await ArrangeAsync(onHand: 10);
        var id = (await CreateAsync(Client, "/api/v1/quotes", new { opportunityId = opportunity, lines = new object[] { new { productId = listed, quantity = 1 } } })).GetProperty("id").GetGuid();
        var stranger = api.ClientFor(NewTenant());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/quotes/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/v1/quotes/{id}/send", null, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/v1/quotes/{id}/accept", null, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/v1/quotes/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutAsJsonAsync($"/api/v1/opportunities/{opportunity}/line-items", new { lineItems = Array.Empty<object>() }, Token)).StatusCode);
        Assert.Empty((await ReadJsonAsync(await stranger.GetAsync("/api/v1/quotes", Token))).GetProperty("items").EnumerateArray());
        Assert.Equal(["opportunityId"], await ErrorFieldsAsync(await stranger.PostAsJsonAsync("/api/v1/quotes", new { opportunityId = opportunity }, Token)));
        Assert.Equal("draft", (await ReadJsonAsync(await Client.GetAsync($"/api/v1/quotes/{id}", Token))).GetProperty("status").GetString());
    }

    private async Task<(Guid Opportunity, Guid Listed, Guid Negotiated)> ArrangeAsync(decimal onHand)
    {
        var customer = await api.CreateCustomerAsync(_tenant);
        var listed = await CreateProductAsync(Client, $"Q-{Guid.NewGuid():N}"[..12], onHand);
        var negotiated = await CreateProductAsync(Client, $"Q-{Guid.NewGuid():N}"[..12], onHand);
        await CreatePriceListAsync(Client, "EUR", (listed, "2.50"), (negotiated, "50.00"));
        var opportunity = (await CreateAsync(Client, "/api/v1/opportunities", new { name = "Fit-out", personId = customer, amount = new { amount = "100", currency = "EUR" } }))
            .GetProperty("id").GetGuid();
        return (opportunity, listed, negotiated);
    }

    private async Task SetLineItemsAsync(Guid opportunity, Guid listed, Guid negotiated) =>
        (await Client.PutAsJsonAsync(
            $"/api/v1/opportunities/{opportunity}/line-items",
            new { lineItems = new object[] { new { productId = listed, quantity = 3 }, new { productId = negotiated, quantity = 2, unitPrice = "40.00", discount = "5.00" } } },
            Token)).EnsureSuccessStatusCode();
}
