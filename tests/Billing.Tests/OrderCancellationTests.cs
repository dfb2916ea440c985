using System.Net;
using System.Text.Json;
using CrmCloud.Contracts.Sales;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class OrderCancellationTests(BillingApi api) : IClassFixture<BillingApi>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";
    private readonly Guid _person = Guid.CreateVersion7();
    private readonly Guid _order = Guid.CreateVersion7();

    private OrderPlaced Placed() => new(
        _tenant, _order, "SO-000042", _person, null,
        [new OrderLine(Guid.NewGuid(), "TEA-1", "Tea", 2, 10.00m, 1.00m, 0.19m, 19.00m)],
        19.00m, 1.00m, 3.61m, 22.61m, "EUR", DateTimeOffset.UtcNow);

    private OrderCancelled Cancelled() => new(_tenant, _order, "SO-000042", _person, null, 19.00m, 22.61m, "EUR", "Changed my mind", DateTimeOffset.UtcNow);

    private async Task<JsonElement> InvoiceAsync() =>
        Assert.Single((await BillingApi.GetAsync(api.ApiClient(_tenant), $"/api/v1/invoices?orderId={_order}")).GetProperty("items").EnumerateArray());

    private async Task<JsonElement[]> CreditNotesAsync(Guid invoice) =>
        [.. (await BillingApi.GetAsync(api.ApiClient(_tenant), $"/api/v1/credit-notes?invoiceId={invoice}")).GetProperty("items").EnumerateArray()];

    private async Task<string> BalanceAsync(Guid account) =>
        BillingApi.Amount((await BillingApi.GetAsync(api.ApiClient(_tenant), $"/api/v1/billing-accounts/{account}")).GetProperty("balance"));

    /// <summary>The cancellation delivered twice under one message id, then published again under another.</summary>
    private async Task CancelRedeliveredAsync()
    {
        await api.DeliverAndWaitAsync(Cancelled(), times: 2);
        await api.DeliverAndWaitAsync(Cancelled());
    }

    [Fact]
    public async Task An_unpaid_invoice_of_a_cancelled_order_is_voided_once_whatever_the_redeliveries()
    {
        await api.DeliverAndWaitAsync(Placed());
        var issuedVersion = (await InvoiceAsync()).GetProperty("version").GetInt64();

        await CancelRedeliveredAsync();

        var invoice = await InvoiceAsync();
        Assert.Equal("void", invoice.GetProperty("status").GetString());
        Assert.Equal("order cancelled", invoice.GetProperty("voidReason").GetString());
        Assert.Equal("INV-000001", invoice.GetProperty("number").GetString());
        Assert.Equal(issuedVersion + 1, invoice.GetProperty("version").GetInt64());
        Assert.Empty(await CreditNotesAsync(invoice.GetProperty("id").GetGuid()));
        Assert.Equal("0.00", await BalanceAsync(invoice.GetProperty("billingAccountId").GetGuid()));
    }

    [Fact]
    public async Task A_paid_invoice_of_a_cancelled_order_is_credited_in_full_once_leaving_account_credit()
    {
        await api.DeliverAndWaitAsync(Placed());
        var placed = await InvoiceAsync();
        var account = placed.GetProperty("billingAccountId").GetGuid();
        await BillingApi.SendAsync(api.ApiClient(_tenant), HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "22.61" }, HttpStatusCode.Created);

        await CancelRedeliveredAsync();

        var invoice = await InvoiceAsync();
        Assert.Equal("paid", invoice.GetProperty("status").GetString());
        var note = Assert.Single(await CreditNotesAsync(invoice.GetProperty("id").GetGuid()));
        Assert.Equal("order cancelled", note.GetProperty("reason").GetString());
        Assert.Equal("22.61", BillingApi.Amount(note.GetProperty("total")));
        Assert.Equal("3.61", BillingApi.Amount(note.GetProperty("taxTotal")));
        Assert.Equal("22.61", BillingApi.Amount(note.GetProperty("unapplied")));
        Assert.Equal("-22.61", await BalanceAsync(account));
    }

    [Fact]
    public async Task A_partly_paid_invoice_of_a_cancelled_order_is_settled_by_the_credit_note_and_the_paid_part_becomes_credit()
    {
        await api.DeliverAndWaitAsync(Placed());
        var account = (await InvoiceAsync()).GetProperty("billingAccountId").GetGuid();
        await BillingApi.SendAsync(api.ApiClient(_tenant), HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "10.00" }, HttpStatusCode.Created);

        await api.DeliverAndWaitAsync(Cancelled());

        var invoice = await InvoiceAsync();
        Assert.Equal("paid", invoice.GetProperty("status").GetString());
        Assert.Equal("12.61", BillingApi.Amount(invoice.GetProperty("amountCredited")));
        var note = Assert.Single(await CreditNotesAsync(invoice.GetProperty("id").GetGuid()));
        Assert.Equal("12.61", BillingApi.Amount(Assert.Single(note.GetProperty("allocations").EnumerateArray()).GetProperty("amount")));
        Assert.Equal("10.00", BillingApi.Amount(note.GetProperty("unapplied")));
        Assert.Equal("-10.00", await BalanceAsync(account));
    }

    [Fact]
    public async Task An_invoice_credited_in_part_before_its_order_was_cancelled_is_credited_for_the_rest()
    {
        await api.DeliverAndWaitAsync(Placed());
        var id = (await InvoiceAsync()).GetProperty("id").GetGuid();
        await BillingApi.SendAsync(
            api.ApiClient(_tenant), HttpMethod.Post, "/api/v1/credit-notes", new { invoiceId = id, reason = "Goodwill", lines = new[] { BillingApi.Line("Goodwill", 1, "10.00") } },
            HttpStatusCode.Created);

        await api.DeliverAndWaitAsync(Cancelled());

        var invoice = await InvoiceAsync();
        Assert.Equal("paid", invoice.GetProperty("status").GetString());
        Assert.Equal("0.00", BillingApi.Amount(invoice.GetProperty("amountDue")));
        var rest = (await CreditNotesAsync(id)).Single(n => n.GetProperty("reason").GetString() == "order cancelled");
        // 19.00 net and 3.61 tax at 19 %, less the goodwill note's 10.00 untaxed.
        Assert.Equal("9.00", BillingApi.Amount(rest.GetProperty("netTotal")));
        Assert.Equal("3.61", BillingApi.Amount(rest.GetProperty("taxTotal")));
        Assert.Equal("12.61", BillingApi.Amount(rest.GetProperty("total")));
        Assert.Equal("0.00", BillingApi.Amount(rest.GetProperty("unapplied")));
    }

    [Fact]
    public async Task An_order_cancelled_before_its_placement_arrives_is_never_billed()
    {
        await api.DeliverAndWaitAsync(Cancelled());

        await api.DeliverAndWaitAsync(Placed());

        Assert.Empty((await BillingApi.GetAsync(api.ApiClient(_tenant), $"/api/v1/invoices?orderId={_order}")).GetProperty("items").EnumerateArray());
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM cancelled_orders WHERE order_id = $1", _order));
    }
}
