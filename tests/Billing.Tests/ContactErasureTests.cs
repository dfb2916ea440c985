using System.Net;
using CrmCloud.Contracts.Contacts;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class ContactErasureTests(BillingApi api) : IClassFixture<BillingApi>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    private static ContactSnapshot Erasable() =>
        BillingApi.Contact("Erased", "erased@example.com") with { Address = new AddressSnapshot("1 Analytical Row", "London", null, "N1 1AA", "GB") };

    [Fact]
    public async Task An_erased_persons_issued_invoice_keeps_what_was_printed_and_loses_the_rest()
    {
        var client = api.ApiClient(_tenant);
        var (person, account) = await api.NewCustomerAsync(_tenant, Erasable());
        await BillingApi.SendAsync(client, HttpMethod.Patch, $"/api/v1/billing-accounts/{account}", new { taxId = "GB123456789" }, HttpStatusCode.OK);
        var issued = await BillingApi.InvoiceAsync(client, account, issue: true, "EUR", BillingApi.Line("Tea", 1, "10.00"));
        var draft = (await BillingApi.InvoiceAsync(client, account, issue: false, "EUR", BillingApi.Line("Cups", 1, "5.00"))).GetProperty("id").GetGuid();
        var payment = (await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "25.00" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await BillingApi.SendAsync(client, HttpMethod.Post, $"/api/v1/payments/{payment}/refunds", new { amount = "5.00", reason = "Ada Erased asked by phone" }, HttpStatusCode.OK);

        await api.DeliverAndWaitAsync(new ContactErased(_tenant, person, 2, DateTimeOffset.UtcNow));

        var invoice = await BillingApi.GetAsync(client, $"/api/v1/invoices/{issued.GetProperty("id").GetGuid()}");
        Assert.Equal(issued.GetProperty("number").GetString(), invoice.GetProperty("number").GetString());
        Assert.Equal("10.00", BillingApi.Amount(invoice.GetProperty("total")));
        var billTo = invoice.GetProperty("billTo");
        Assert.Equal("Ada Erased", billTo.GetProperty("name").GetString());
        Assert.Equal("London", billTo.GetProperty("address").GetProperty("city").GetString());
        Assert.Equal("GB123456789", billTo.GetProperty("taxId").GetString());
        Assert.False(billTo.TryGetProperty("email", out _));
        await BillingApi.SendAsync(client, HttpMethod.Get, $"/api/v1/invoices/{draft}", null, HttpStatusCode.NotFound);
        var refund = Assert.Single((await BillingApi.GetAsync(client, $"/api/v1/payments/{payment}")).GetProperty("refunds").EnumerateArray());
        Assert.Equal("(erased)", refund.GetProperty("reason").GetString());
        Assert.Equal(0, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM billing_accounts WHERE person_id = $1 AND (billing_name <> '' OR email IS NOT NULL OR tax_id IS NOT NULL OR billing_address IS NOT NULL)", person));
    }

    [Fact]
    public async Task An_erased_persons_subscription_ends_today()
    {
        var client = api.ApiClient(_tenant);
        var (person, account) = await api.NewCustomerAsync(_tenant, Erasable());
        var subscription = (await BillingApi.SendAsync(
            client, HttpMethod.Post, "/api/v1/subscriptions",
            new { billingAccountId = account, plan = new { name = "Pro", price = "9.99", interval = "month" }, startsOn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3) },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await api.DeliverAndWaitAsync(new ContactErased(_tenant, person, 2, DateTimeOffset.UtcNow));

        var ended = await BillingApi.GetAsync(client, $"/api/v1/subscriptions/{subscription}");
        Assert.Equal("cancelled", ended.GetProperty("status").GetString());
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Billing.SubscriptionCancelled' AND payload->>'subscriptionId' = $1", subscription.ToString()));
    }

    [Fact]
    public async Task A_redelivered_erasure_has_no_second_effect()
    {
        var client = api.ApiClient(_tenant);
        var (person, account) = await api.NewCustomerAsync(_tenant, Erasable());
        var invoice = (await BillingApi.InvoiceAsync(client, account, issue: true, "EUR", BillingApi.Line("Tea", 1, "10.00"))).GetProperty("id").GetGuid();
        var before = (await BillingApi.GetAsync(client, $"/api/v1/invoices/{invoice}")).GetProperty("version").GetInt64();

        await api.DeliverAndWaitAsync(new ContactErased(_tenant, person, 2, DateTimeOffset.UtcNow), times: 2);

        Assert.Equal(before + 1, (await BillingApi.GetAsync(client, $"/api/v1/invoices/{invoice}")).GetProperty("version").GetInt64());
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM inbox_messages WHERE consumer = 'ContactErasureConsumer' AND tenant_id = $1", _tenant));
    }
}
