using System.Net;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Contracts.Sales;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class AccountMergeTests(BillingApi api) : IClassFixture<BillingApi>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    private ContactsMerged Merge(Guid survivor, Guid merged) =>
        new(_tenant, survivor, 2, BillingApi.Contact("Survivor", "ada@example.com"), [new MergedContact(merged, 2)], DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_merge_moves_invoices_payments_and_credit_to_the_survivors_account()
    {
        var client = api.ApiClient(_tenant);
        var survivor = await api.NewCustomerAsync(_tenant, BillingApi.Contact("Survivor"));
        var merged = await api.NewCustomerAsync(_tenant, BillingApi.Contact("Merged"));
        await BillingApi.InvoiceAsync(client, survivor.Account, issue: true, "EUR", BillingApi.Line("Tea", 1, "50.00"));
        var mergedInvoice = (await BillingApi.InvoiceAsync(client, merged.Account, issue: true, "EUR", BillingApi.Line("Cups", 1, "100.00"))).GetProperty("id").GetGuid();
        // Pays the invoice and leaves 30.00 of credit.
        var payment = (await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = merged.Account, amount = "130.00" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await api.DeliverAndWaitAsync(Merge(survivor.Person, merged.Person));

        var invoice = await BillingApi.GetAsync(client, $"/api/v1/invoices/{mergedInvoice}");
        Assert.Equal(survivor.Account, invoice.GetProperty("billingAccountId").GetGuid());
        Assert.Equal(survivor.Person, invoice.GetProperty("personId").GetGuid());
        Assert.Equal("Ada Merged", invoice.GetProperty("billTo").GetProperty("name").GetString());
        Assert.Equal(survivor.Account, (await BillingApi.GetAsync(client, $"/api/v1/payments/{payment}")).GetProperty("billingAccountId").GetGuid());
        var account = await BillingApi.GetAsync(client, $"/api/v1/billing-accounts/{survivor.Account}");
        Assert.Equal("20.00", BillingApi.Amount(account.GetProperty("balance")));
        Assert.Empty(await api.AccountsAsync(_tenant, merged.Person));
    }

    [Fact]
    public async Task A_redelivered_merge_has_no_second_effect()
    {
        var client = api.ApiClient(_tenant);
        var survivor = await api.NewCustomerAsync(_tenant, BillingApi.Contact("Survivor"));
        var merged = await api.NewCustomerAsync(_tenant, BillingApi.Contact("Merged"));
        var invoice = (await BillingApi.InvoiceAsync(client, merged.Account, issue: true, "EUR", BillingApi.Line("Cups", 1, "10.00"))).GetProperty("id").GetGuid();
        var before = (await BillingApi.GetAsync(client, $"/api/v1/invoices/{invoice}")).GetProperty("version").GetInt64();

        await api.DeliverAndWaitAsync(Merge(survivor.Person, merged.Person), times: 2);

        Assert.Equal(before + 1, (await BillingApi.GetAsync(client, $"/api/v1/invoices/{invoice}")).GetProperty("version").GetInt64());
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM person_merges WHERE merged_person_id = $1", merged.Person));
    }

    [Fact]
    public async Task An_order_delivered_after_the_merge_of_its_person_bills_the_survivor()
    {
        var survivor = await api.NewCustomerAsync(_tenant, BillingApi.Contact("Survivor"));
        var merged = await api.NewCustomerAsync(_tenant, BillingApi.Contact("Merged"));
        await api.DeliverAndWaitAsync(Merge(survivor.Person, merged.Person));
        var orderId = Guid.CreateVersion7();

        await api.DeliverAndWaitAsync(new OrderPlaced(
            _tenant, orderId, "SO-000007", merged.Person, null, [new OrderLine(Guid.NewGuid(), "TEA-1", "Tea", 1, 10.00m, 0m, 0m, 10.00m)],
            10.00m, 0m, 0m, 10.00m, "EUR", DateTimeOffset.UtcNow));

        var invoice = Assert.Single((await BillingApi.GetAsync(api.ApiClient(_tenant), $"/api/v1/invoices?orderId={orderId}")).GetProperty("items").EnumerateArray());
        Assert.Equal(survivor.Account, invoice.GetProperty("billingAccountId").GetGuid());
        Assert.Equal(survivor.Person, invoice.GetProperty("personId").GetGuid());
    }
}
