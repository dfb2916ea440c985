using System.Net;
using System.Text.Json;
using CrmCloud.Billing.Features.Dunning;
using CrmCloud.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class DunningTests(BillingApi api) : IClassFixture<BillingApi>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    private Task<int> RunAsync(int daysOn) =>
        DunningRun.RunAsync(api.Services.GetRequiredService<IServiceScopeFactory>(), DateTimeOffset.UtcNow.AddDays(daysOn), TestContext.Current.CancellationToken);

    private Task<long> EventsAsync(string type) =>
        Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'tenantId' = $2", $"CrmCloud.Contracts.Billing.{type}", _tenant);

    [Fact]
    public async Task An_unpaid_invoice_becomes_overdue_once_and_each_reminder_step_is_sent_once()
    {
        var client = api.ApiClient(_tenant);
        var bad = await BillingApi.SendAsync(client, HttpMethod.Put, "/api/v1/dunning", new { reminderDays = (int[])[0, 7, 7] }, HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("reminderDays", out _));
        var policy = await BillingApi.SendAsync(client, HttpMethod.Put, "/api/v1/dunning", new { reminderDays = (int[])[14, 7, 30] }, HttpStatusCode.OK);
        Assert.Equal([7, 14, 30], policy.GetProperty("reminderDays").EnumerateArray().Select(d => d.GetInt32()));

        var account = await api.NewAccountAsync(_tenant);
        var invoice = (await BillingApi.InvoiceAsync(client, account, true, "EUR", BillingApi.Line("Tea", 1, "10.00"))).GetProperty("id").GetGuid();

        await RunAsync(29);
        Assert.Equal("issued", (await BillingApi.SendAsync(client, HttpMethod.Get, $"/api/v1/invoices/{invoice}", null, HttpStatusCode.OK)).GetProperty("status").GetString());

        // Due in 30 days: on day 31 it is overdue, however many passes run at once.
        await Task.WhenAll(RunAsync(31), RunAsync(31), RunAsync(31));
        Assert.Equal("overdue", (await BillingApi.SendAsync(client, HttpMethod.Get, $"/api/v1/invoices/{invoice}", null, HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal(1, await EventsAsync("InvoiceOverdue"));
        Assert.Equal(0, await EventsAsync("InvoiceReminderDue"));

        // 15 days past due: the 7- and 14-day steps have both passed; the latest is sent, both are recorded, neither again.
        await Task.WhenAll(RunAsync(45), RunAsync(45));
        await RunAsync(46);
        Assert.Equal(1, await EventsAsync("InvoiceReminderDue"));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Billing.InvoiceReminderDue' AND payload->>'invoiceId' = $1 AND (payload->>'daysAfterDue')::int = 14", invoice.ToString()));
        var read = await BillingApi.SendAsync(client, HttpMethod.Get, $"/api/v1/invoices/{invoice}", null, HttpStatusCode.OK);
        Assert.Equal([7, 14], read.GetProperty("remindersSent").EnumerateArray().Select(d => d.GetInt32()));

        await RunAsync(61);
        Assert.Equal(2, await EventsAsync("InvoiceReminderDue"));
        Assert.Equal(1, await EventsAsync("InvoiceOverdue"));

        // Paid late, it is paid; dunning leaves it alone from then on.
        await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "10.00" }, HttpStatusCode.Created);
        Assert.Equal("paid", (await BillingApi.SendAsync(client, HttpMethod.Get, $"/api/v1/invoices/{invoice}", null, HttpStatusCode.OK)).GetProperty("status").GetString());
        await RunAsync(100);
        Assert.Equal(2, await EventsAsync("InvoiceReminderDue"));
    }

    [Fact]
    public async Task The_receivables_and_revenue_reports_add_up_what_was_invoiced_collected_and_credited()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var paid = (await BillingApi.InvoiceAsync(client, account, true, "EUR", BillingApi.Line("Tea", 1, "100.00"))).GetProperty("id").GetGuid();
        var open = (await BillingApi.InvoiceAsync(client, account, true, "EUR", BillingApi.Line("Cake", 1, "50.00"))).GetProperty("id").GetGuid();
        await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/payments", new { billingAccountId = account, amount = "100.00", allocations = new[] { new { invoiceId = paid, amount = "100.00" } } }, HttpStatusCode.Created);
        await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/credit-notes", new { invoiceId = open, reason = "Stale", lines = new[] { BillingApi.Line("Cake", 1, "20.00") } }, HttpStatusCode.Created);

        var asOf = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(75)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var ageing = await BillingApi.SendAsync(client, HttpMethod.Get, $"/api/v1/reports/receivables?asOf={asOf}", null, HttpStatusCode.OK);
        var row = Assert.Single(ageing.GetProperty("items").EnumerateArray());
        Assert.Equal(account, row.GetProperty("billingAccountId").GetGuid());
        Assert.Equal("30.00", BillingApi.Amount(row.GetProperty("days31To60")));
        Assert.Equal("0.00", BillingApi.Amount(row.GetProperty("days0To30")));
        Assert.Equal("30.00", BillingApi.Amount(row.GetProperty("total")));

        var revenue = await BillingApi.SendAsync(client, HttpMethod.Get, "/api/v1/reports/revenue?period=month", null, HttpStatusCode.OK);
        var month = Assert.Single(revenue.GetProperty("items").EnumerateArray());
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), month.GetProperty("month").GetString());
        Assert.Equal("150.00", BillingApi.Amount(month.GetProperty("invoiced")));
        Assert.Equal("100.00", BillingApi.Amount(month.GetProperty("collected")));
        Assert.Equal("20.00", BillingApi.Amount(month.GetProperty("credited")));

        var bad = await BillingApi.SendAsync(client, HttpMethod.Get, "/api/v1/reports/revenue?period=week&from=2026-13", null, HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("period", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("from", out _));
        var other = await BillingApi.SendAsync(api.ApiClient($"tenant-{Guid.NewGuid():N}"), HttpMethod.Get, "/api/v1/reports/revenue", null, HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Array, other.GetProperty("items").ValueKind);
        Assert.Empty(other.GetProperty("items").EnumerateArray());
    }
}
