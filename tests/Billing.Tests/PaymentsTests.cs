using System.Net;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class PaymentsTests(BillingApi api) : IClassFixture<BillingApi>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    private static async Task<Guid> IssuedAsync(HttpClient client, Guid account, string amount) =>
        (await BillingApi.InvoiceAsync(client, account, true, "EUR", BillingApi.Line("Tea", 1, amount))).GetProperty("id").GetGuid();

    private static async Task<(string Status, string Due)> InvoiceStateAsync(HttpClient client, Guid id)
    {
        var invoice = await BillingApi.SendAsync(client, HttpMethod.Get, $"/api/v1/invoices/{id}", null, HttpStatusCode.OK);
        return (invoice.GetProperty("status").GetString()!, BillingApi.Amount(invoice.GetProperty("amountDue")));
    }

    private static async Task<string> BalanceAsync(HttpClient client, Guid account) =>
        BillingApi.Amount((await BillingApi.SendAsync(client, HttpMethod.Get, $"/api/v1/billing-accounts/{account}", null, HttpStatusCode.OK)).GetProperty("balance"));

    [Fact]
    public async Task A_payment_pays_the_oldest_invoices_first_and_an_overpayment_becomes_credit_that_can_be_refunded()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var (first, second, third) = (await IssuedAsync(client, account, "10.00"), await IssuedAsync(client, account, "20.00"), await IssuedAsync(client, account, "30.00"));
        Assert.Equal("60.00", await BalanceAsync(client, account));

        var payment = await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "35.00", method = "bank-transfer" }, HttpStatusCode.Created);
        Assert.Equal(["10.00", "20.00", "5.00"], payment.GetProperty("allocations").EnumerateArray().Select(a => BillingApi.Amount(a.GetProperty("amount"))));
        Assert.Equal(("paid", "0.00"), await InvoiceStateAsync(client, first));
        Assert.Equal(("paid", "0.00"), await InvoiceStateAsync(client, second));
        Assert.Equal(("partially-paid", "25.00"), await InvoiceStateAsync(client, third));
        Assert.Equal("25.00", await BalanceAsync(client, account));

        var over = await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "40.00", currency = "EUR" }, HttpStatusCode.Created);
        Assert.Equal("15.00", BillingApi.Amount(over.GetProperty("unallocated")));
        Assert.Equal(("paid", "0.00"), await InvoiceStateAsync(client, third));
        Assert.Equal("-15.00", await BalanceAsync(client, account));
        Assert.Equal(3, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Billing.InvoicePaid' AND payload->>'tenantId' = $1", _tenant));
        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Billing.PaymentReceived' AND payload->>'tenantId' = $1", _tenant));

        var overId = over.GetProperty("id").GetGuid();
        await BillingApi.SendAsync(client, HttpMethod.Post, $"/api/v1/payments/{overId}/refunds", new { amount = "20.00", reason = "Too much" }, HttpStatusCode.UnprocessableEntity);
        var refunded = await BillingApi.SendAsync(client, HttpMethod.Post, $"/api/v1/payments/{overId}/refunds", new { amount = "15.00", reason = "Overpaid" }, HttpStatusCode.OK);
        Assert.Equal("0.00", BillingApi.Amount(refunded.GetProperty("unallocated")));
        Assert.Equal("0.00", await BalanceAsync(client, account));
    }

    [Fact]
    public async Task Explicit_allocations_go_where_they_are_told_and_may_not_exceed_what_is_owed()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var (older, newer) = (await IssuedAsync(client, account, "10.00"), await IssuedAsync(client, account, "10.00"));

        var problem = await BillingApi.SendAsync(
            client, HttpMethod.Post, "/api/v1/payments",
            new { billingAccountId = account, amount = "10.001", allocations = new object[] { new { invoiceId = older, amount = "15.00" }, new { invoiceId = Guid.NewGuid(), amount = "1.00" } } },
            HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("amount", out _), errors.ToString());

        problem = await BillingApi.SendAsync(
            client, HttpMethod.Post, "/api/v1/payments",
            new { billingAccountId = account, amount = "20.00", allocations = new object[] { new { invoiceId = older, amount = "15.00" }, new { invoiceId = Guid.NewGuid(), amount = "1.00" } } },
            HttpStatusCode.BadRequest);
        errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("allocations[0].amount", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("allocations[1].invoiceId", out _), errors.ToString());
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM payments WHERE tenant_id = $1", _tenant));

        await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "10.00", allocations = new[] { new { invoiceId = newer, amount = "10.00" } } }, HttpStatusCode.Created);
        Assert.Equal(("issued", "10.00"), await InvoiceStateAsync(client, older));
        Assert.Equal(("paid", "0.00"), await InvoiceStateAsync(client, newer));
    }

    [Fact]
    public async Task A_payment_is_recorded_once_per_external_reference_even_when_posted_concurrently()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var invoice = await IssuedAsync(client, account, "50.00");
        var body = new { billingAccountId = account, amount = "50.00", method = "card", externalReference = "ch_3PXYZ" };

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.PostAsync("/api/v1/payments", System.Net.Http.Json.JsonContent.Create(body), TestContext.Current.CancellationToken)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        var ids = new HashSet<Guid>();
        foreach (var answer in answers)
        {
            ids.Add(JsonDocument.Parse(await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("id").GetGuid());
        }

        Assert.Single(ids);
        Assert.Equal(("paid", "0.00"), await InvoiceStateAsync(client, invoice));
        await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", body with { amount = "49.00" }, HttpStatusCode.Conflict);
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM payments WHERE tenant_id = $1", _tenant));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Billing.PaymentReceived' AND payload->>'tenantId' = $1", _tenant));
    }

    [Fact]
    public async Task Credit_notes_are_numbered_in_their_own_series_and_never_credit_more_than_is_owed()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var invoice = await IssuedAsync(client, account, "100.00");

        var first = await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/credit-notes", new { invoiceId = invoice, reason = "Damaged", lines = new[] { BillingApi.Line("Damaged cup", 1, "30.00") } }, HttpStatusCode.Created);
        Assert.Equal("CN-000001", first.GetProperty("number").GetString());
        Assert.Equal(("issued", "70.00"), await InvoiceStateAsync(client, invoice));

        await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/credit-notes", new { invoiceId = invoice, reason = "All" }, HttpStatusCode.UnprocessableEntity);
        await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/credit-notes", new { invoiceId = invoice, reason = "Too much", lines = new[] { BillingApi.Line("Tea", 1, "80.00") } }, HttpStatusCode.UnprocessableEntity);
        var missing = await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/credit-notes", new { invoiceId = Guid.NewGuid() }, HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("reason", out _));

        var second = await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/credit-notes", new { invoiceId = invoice, reason = "Rest", lines = new[] { BillingApi.Line("Tea", 1, "70.00") } }, HttpStatusCode.Created);
        Assert.Equal("CN-000002", second.GetProperty("number").GetString());
        Assert.Equal(("paid", "0.00"), await InvoiceStateAsync(client, invoice));
        Assert.Equal("INV-000001", (await BillingApi.SendAsync(client, HttpMethod.Get, $"/api/v1/invoices/{invoice}", null, HttpStatusCode.OK)).GetProperty("number").GetString());

        var other = api.ApiClient($"tenant-{Guid.NewGuid():N}");
        await BillingApi.SendAsync(other, HttpMethod.Get, $"/api/v1/credit-notes/{first.GetProperty("id").GetGuid()}", null, HttpStatusCode.NotFound);
        var otherProblem = await BillingApi.SendAsync(other, HttpMethod.Post, "/api/v1/credit-notes", new { invoiceId = invoice, reason = "Not mine" }, HttpStatusCode.BadRequest);
        Assert.True(otherProblem.GetProperty("errors").TryGetProperty("invoiceId", out _));
    }

    [Fact]
    public async Task Another_tenant_gets_404_for_a_payment()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var payment = await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "5.00" }, HttpStatusCode.Created);
        var other = api.ApiClient($"tenant-{Guid.NewGuid():N}");
        await BillingApi.SendAsync(other, HttpMethod.Get, $"/api/v1/payments/{payment.GetProperty("id").GetGuid()}", null, HttpStatusCode.NotFound);
        await BillingApi.SendAsync(other, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "5.00" }, HttpStatusCode.BadRequest);
    }
}
