using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Contracts.Sales;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class OrderInvoicingTests(BillingApi api) : IClassFixture<BillingApi>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    private OrderPlaced Order(Guid person, Guid orderId) => new(
        _tenant, orderId, "SO-000042", person, null,
        [new OrderLine(Guid.NewGuid(), "TEA-1", "Tea", 2, 10.00m, 1.00m, 0.19m, 19.00m)],
        19.00m, 1.00m, 3.61m, 22.61m, "EUR", DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_placed_order_is_billed_by_exactly_one_issued_invoice_whatever_the_redeliveries()
    {
        var person = Guid.CreateVersion7();
        var orderId = Guid.CreateVersion7();
        var messageId = Guid.NewGuid();
        var republished = Guid.NewGuid();
        await api.DeliverAsync(Order(person, orderId), messageId);
        await api.DeliverAsync(Order(person, orderId), messageId);
        // The same order published again under another message id: only the order id can tell.
        await api.DeliverAsync(Order(person, orderId), republished);
        await api.WaitUntilConsumedAsync(messageId, 2);
        await api.WaitUntilConsumedAsync(republished, 1);

        var page = await api.ApiClient(_tenant).GetFromJsonAsync<JsonElement>($"/api/v1/invoices?orderId={orderId}", TestContext.Current.CancellationToken);
        var invoice = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("issued", invoice.GetProperty("status").GetString());
        Assert.Equal("INV-000001", invoice.GetProperty("number").GetString());
        Assert.Equal("19.00", BillingApi.Amount(invoice.GetProperty("netTotal")));
        Assert.Equal("3.61", BillingApi.Amount(invoice.GetProperty("taxTotal")));
        Assert.Equal("22.61", BillingApi.Amount(invoice.GetProperty("total")));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM invoices WHERE order_id = $1", orderId));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Billing.InvoiceIssued' AND payload->>'orderId' = $1", orderId.ToString()));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = $1", messageId));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT last_number FROM document_counters WHERE tenant_id = $1", _tenant));
    }

    [Fact]
    public async Task An_order_arriving_before_the_contact_opens_the_account_which_the_contact_event_then_fills_in()
    {
        var person = Guid.CreateVersion7();
        var orderMessage = Guid.NewGuid();
        await api.DeliverAsync(Order(person, Guid.CreateVersion7()), orderMessage);
        await api.WaitUntilConsumedAsync(orderMessage, 1);
        var contactMessage = Guid.NewGuid();
        await api.DeliverAsync(new ContactCreated(_tenant, person, 1, BillingApi.Contact("Byron", "ada@example.com"), DateTimeOffset.UtcNow), contactMessage);
        await api.WaitUntilConsumedAsync(contactMessage, 1);

        var account = Assert.Single(await api.AccountsAsync(_tenant, person));
        Assert.Equal("Ada Byron", account.GetProperty("billingName").GetString());
        Assert.Equal("22.61", BillingApi.Amount(account.GetProperty("balance")));
    }
}
