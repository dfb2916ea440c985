using System.Net;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class AccountCreditTests(BillingApi api) : IClassFixture<BillingApi>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    [Fact]
    public async Task An_overpayment_settles_the_next_issued_invoice_and_records_the_allocation()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var payment = (await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "50.00" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var invoice = await BillingApi.InvoiceAsync(client, account, issue: true, "EUR", BillingApi.Line("Tea", 3, "10.00"));

        Assert.Equal("paid", invoice.GetProperty("status").GetString());
        Assert.Equal("30.00", BillingApi.Amount(invoice.GetProperty("amountPaid")));
        var credited = await BillingApi.GetAsync(client, $"/api/v1/payments/{payment}");
        var allocation = Assert.Single(credited.GetProperty("allocations").EnumerateArray());
        Assert.Equal(invoice.GetProperty("id").GetGuid(), allocation.GetProperty("invoiceId").GetGuid());
        Assert.Equal("30.00", BillingApi.Amount(allocation.GetProperty("amount")));
        Assert.Equal("20.00", BillingApi.Amount(credited.GetProperty("unallocated")));
        Assert.Equal("-20.00", BillingApi.Amount((await BillingApi.GetAsync(client, $"/api/v1/billing-accounts/{account}")).GetProperty("balance")));
    }

    [Fact]
    public async Task Credit_is_taken_oldest_first_and_leaves_a_larger_invoice_partially_paid()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var paid = (await BillingApi.InvoiceAsync(client, account, issue: true, "EUR", BillingApi.Line("Cups", 1, "20.00"))).GetProperty("id").GetGuid();
        await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "20.00" }, HttpStatusCode.Created);
        // The invoice is paid, so the whole 5.00 is account credit, older than the payment below.
        var note = (await BillingApi.SendAsync(
            client, HttpMethod.Post, "/api/v1/credit-notes", new { invoiceId = paid, reason = "Chipped", lines = new[] { BillingApi.Line("Chipped cup", 1, "5.00") } },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var payment = (await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "10.00" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var invoice = await BillingApi.InvoiceAsync(client, account, issue: true, "EUR", BillingApi.Line("Teapot", 1, "20.00"));

        Assert.Equal("partially-paid", invoice.GetProperty("status").GetString());
        Assert.Equal("15.00", BillingApi.Amount(invoice.GetProperty("amountPaid")));
        Assert.Equal("5.00", BillingApi.Amount(invoice.GetProperty("amountDue")));
        var fromNote = await BillingApi.GetAsync(client, $"/api/v1/credit-notes/{note}");
        Assert.Equal("0.00", BillingApi.Amount(fromNote.GetProperty("unapplied")));
        Assert.Equal("5.00", BillingApi.Amount(Assert.Single(fromNote.GetProperty("allocations").EnumerateArray()).GetProperty("amount")));
        var fromPayment = await BillingApi.GetAsync(client, $"/api/v1/payments/{payment}");
        Assert.Equal("0.00", BillingApi.Amount(fromPayment.GetProperty("unallocated")));
        Assert.Equal("10.00", BillingApi.Amount(Assert.Single(fromPayment.GetProperty("allocations").EnumerateArray()).GetProperty("amount")));
        Assert.Equal("5.00", BillingApi.Amount((await BillingApi.GetAsync(client, $"/api/v1/billing-accounts/{account}")).GetProperty("balance")));
    }

    [Fact]
    public async Task Credit_in_another_currency_is_left_alone()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "50.00", currency = "EUR" }, HttpStatusCode.Created);

        var invoice = await BillingApi.InvoiceAsync(client, account, issue: true, "JPY", BillingApi.Line("Tea", 1, "1000"));

        Assert.Equal("issued", invoice.GetProperty("status").GetString());
        Assert.Equal("1000.00", BillingApi.Amount(invoice.GetProperty("amountDue")));
    }
}
