using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Billing;
using Xunit;

namespace CrmCloud.Support.Tests;

public sealed class DunningTests(SupportApi api) : IClassFixture<SupportApi>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly string _tenant = SupportApi.NewTenant();

    [Fact]
    public async Task A_requester_with_overdue_invoices_is_flagged_on_tickets_until_they_are_paid_whatever_is_redelivered()
    {
        var client = api.ClientFor(_tenant);
        var person = await api.CreateRequesterAsync(_tenant, "late@example.com");
        var ticket = await OpenAsync(client, new { subject = "Where is my order?", requesterPersonId = person });
        var (first, second) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        var overdueId = Guid.NewGuid();
        await api.DeliverAsync(Overdue(_tenant, first, person, null, 100.00m, new DateOnly(2026, 10, 1)), overdueId);
        await api.DeliverAsync(Overdue(_tenant, first, person, null, 100.00m, new DateOnly(2026, 10, 1)), overdueId);
        await DeliverAndWaitAsync(Overdue(_tenant, second, person, null, 50.50m, new DateOnly(2026, 11, 1)));
        await api.WaitUntilConsumedAsync(overdueId, 2);

        var flagged = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticket}", Token);
        var dunning = flagged.GetProperty("dunning");
        Assert.Equal(2, dunning.GetProperty("overdueInvoices").GetInt32());
        Assert.Equal("150.50", Assert.Single(dunning.GetProperty("amountDue").EnumerateArray()).GetProperty("amount").GetString());
        Assert.Equal("2026-10-01", dunning.GetProperty("oldestDueDate").GetString());
        Assert.Equal(2, Assert.Single(await SupportApi.ItemsAsync(client, "/api/v1/tickets")).GetProperty("dunning").GetProperty("overdueInvoices").GetInt32());

        var paidId = Guid.NewGuid();
        await api.DeliverAsync(Paid(_tenant, first, person, null), paidId);
        await api.DeliverAsync(Paid(_tenant, first, person, null), paidId);
        await api.WaitUntilConsumedAsync(paidId, 2);
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticket}", Token)).GetProperty("dunning").GetProperty("overdueInvoices").GetInt32());

        await DeliverAndWaitAsync(Paid(_tenant, second, person, null));
        Assert.False((await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticket}", Token)).TryGetProperty("dunning", out _));
    }

    [Fact]
    public async Task A_payment_seen_before_the_overdue_fact_leaves_no_flag_and_another_tenants_invoice_none_either()
    {
        var client = api.ClientFor(_tenant);
        var person = await api.CreateRequesterAsync(_tenant, "prompt@example.com");
        var ticket = await OpenAsync(client, new { subject = "Question", requesterPersonId = person });
        var invoice = Guid.CreateVersion7();

        await DeliverAndWaitAsync(Paid(_tenant, invoice, person, null));
        await DeliverAndWaitAsync(Overdue(_tenant, invoice, person, null, 80m, new DateOnly(2026, 11, 15)));
        // The same person id in another tenant's billing is not this tenant's customer.
        await DeliverAndWaitAsync(Overdue(SupportApi.NewTenant(), Guid.CreateVersion7(), person, null, 80m, new DateOnly(2026, 11, 15)));

        Assert.False((await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticket}", Token)).TryGetProperty("dunning", out _));
    }

    [Fact]
    public async Task A_company_overdue_on_an_invoice_is_flagged_on_the_tickets_of_all_its_people()
    {
        var client = api.ClientFor(_tenant);
        var company = Guid.CreateVersion7();
        var colleague = await OpenAsync(client, new { subject = "Printer", requesterEmail = "colleague@example.com", companyId = company });
        var elsewhere = await OpenAsync(client, new { subject = "Printer", requesterEmail = "someone@example.com" });

        await DeliverAndWaitAsync(Overdue(_tenant, Guid.CreateVersion7(), Guid.CreateVersion7(), company, 19.99m, new DateOnly(2026, 11, 20)));

        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{colleague}", Token)).GetProperty("dunning").GetProperty("overdueInvoices").GetInt32());
        Assert.False((await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{elsewhere}", Token)).TryGetProperty("dunning", out _));
    }

    private static InvoiceOverdue Overdue(string tenant, Guid invoice, Guid person, Guid? company, decimal amountDue, DateOnly dueDate) =>
        new(tenant, invoice, $"INV-{invoice.ToString()[..8]}", person, company, Guid.CreateVersion7(), amountDue, "EUR", dueDate, DateTimeOffset.UtcNow);

    private static InvoicePaid Paid(string tenant, Guid invoice, Guid person, Guid? company) =>
        new(tenant, invoice, $"INV-{invoice.ToString()[..8]}", person, company, Guid.CreateVersion7(), 100m, "EUR", new DateOnly(2026, 12, 1), DateTimeOffset.UtcNow);

    private static async Task<Guid> OpenAsync(HttpClient client, object ticket) =>
        (await SupportApi.CreateAsync(client, "/api/v1/tickets", ticket)).GetProperty("id").GetGuid();

    private async Task DeliverAndWaitAsync<T>(T message)
        where T : class
    {
        var messageId = Guid.NewGuid();
        await api.DeliverAsync(message, messageId);
        await api.WaitUntilConsumedAsync(messageId, 1);
    }
}
