using System.Net;
using System.Text.Json;
using CrmCloud.Billing.Features.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class SubscriptionPlanChangeTests(BillingApi api) : IClassFixture<BillingApi>
{
    private static readonly TimeSpan AMonthOn = TimeSpan.FromDays(32);

    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    private Task<int> RunSchedulerAsync(TimeSpan offset) =>
        SubscriptionBilling.RunDueAsync(api.Services.GetRequiredService<IServiceScopeFactory>(), DateTimeOffset.UtcNow + offset, TestContext.Current.CancellationToken);

    /// <summary>A monthly subscription at 10.00 that started today, its first period invoiced.</summary>
    private async Task<(HttpClient Client, Guid Id)> SubscribedAsync()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var id = (await BillingApi.SendAsync(
            client, HttpMethod.Post, "/api/v1/subscriptions", new { billingAccountId = account, plan = new { name = "Pro", price = "10.00", interval = "month" } },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await RunSchedulerAsync(TimeSpan.Zero);
        return (client, id);
    }

    private static async Task<JsonElement> InvoiceOfPeriodAsync(HttpClient client, Guid subscription, string periodStart) =>
        (await BillingApi.GetAsync(client, $"/api/v1/invoices?subscriptionId={subscription}")).GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("periodStart").GetString() == periodStart);

    [Fact]
    public async Task A_price_change_now_charges_the_difference_for_the_days_left_on_the_next_invoice()
    {
        var (client, id) = await SubscribedAsync();

        var changed = await BillingApi.SendAsync(
            client, HttpMethod.Post, $"/api/v1/subscriptions/{id}/change-plan", new { plan = new { name = "Business", price = "25.00", interval = "month" }, effective = "now" }, HttpStatusCode.OK);

        Assert.Equal("25.00", BillingApi.Amount(changed.GetProperty("plan").GetProperty("price")));
        // Changed on the period's first day: every day of it is left, so the whole difference of 15.00.
        var adjustment = Assert.Single(changed.GetProperty("nextInvoiceAdjustments").EnumerateArray());
        Assert.Equal("15.00", BillingApi.Amount(adjustment.GetProperty("netAmount")));

        await RunSchedulerAsync(AMonthOn);
        var next = await InvoiceOfPeriodAsync(client, id, changed.GetProperty("currentPeriodEnd").GetString()!);
        Assert.Equal(["25.00", "15.00"], next.GetProperty("lines").EnumerateArray().Select(l => BillingApi.Amount(l.GetProperty("netAmount"))));
        Assert.Equal("40.00", BillingApi.Amount(next.GetProperty("total")));
        Assert.Empty((await BillingApi.GetAsync(client, $"/api/v1/subscriptions/{id}")).GetProperty("nextInvoiceAdjustments").EnumerateArray());
    }

    [Fact]
    public async Task A_plan_change_takes_effect_at_the_next_period_by_default_and_a_new_interval_counts_from_there()
    {
        var (client, id) = await SubscribedAsync();

        var changed = await BillingApi.SendAsync(
            client, HttpMethod.Post, $"/api/v1/subscriptions/{id}/change-plan", new { plan = new { name = "Annual", price = "100.00", interval = "year" } }, HttpStatusCode.OK);

        Assert.Equal("10.00", BillingApi.Amount(changed.GetProperty("plan").GetProperty("price")));
        Assert.Equal("100.00", BillingApi.Amount(changed.GetProperty("pendingPlan").GetProperty("price")));
        var nextStart = DateOnly.Parse(changed.GetProperty("currentPeriodEnd").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        await RunSchedulerAsync(AMonthOn);
        var next = await InvoiceOfPeriodAsync(client, id, changed.GetProperty("currentPeriodEnd").GetString()!);
        Assert.Equal("100.00", BillingApi.Amount(next.GetProperty("total")));
        var renewed = await BillingApi.GetAsync(client, $"/api/v1/subscriptions/{id}");
        Assert.Equal("year", renewed.GetProperty("plan").GetProperty("interval").GetString());
        Assert.False(renewed.TryGetProperty("pendingPlan", out _));
        Assert.Equal(nextStart.AddYears(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), renewed.GetProperty("currentPeriodEnd").GetString());
    }

    [Fact]
    public async Task Plan_changes_are_refused_with_the_field_or_rule_they_break()
    {
        var (client, id) = await SubscribedAsync();
        var path = $"/api/v1/subscriptions/{id}/change-plan";

        var invalid = await BillingApi.SendAsync(client, HttpMethod.Post, path, new { plan = new { name = "X", price = "1.00", interval = "week", currency = "USD" }, effective = "tomorrow" }, HttpStatusCode.BadRequest);
        var errors = invalid.GetProperty("errors");
        Assert.True(errors.TryGetProperty("effective", out _));
        Assert.True(errors.TryGetProperty("plan.interval", out _));
        await BillingApi.SendAsync(client, HttpMethod.Post, path, new { plan = new { name = "X", price = "1.00", interval = "month", currency = "USD" } }, HttpStatusCode.BadRequest);
        await BillingApi.SendAsync(client, HttpMethod.Post, path, new { plan = new { name = "Annual", price = "100.00", interval = "year" }, effective = "now" }, HttpStatusCode.UnprocessableEntity);
        await BillingApi.SendAsync(api.ApiClient($"tenant-{Guid.NewGuid():N}"), HttpMethod.Post, path, new { plan = new { name = "X", price = "1.00", interval = "month" } }, HttpStatusCode.NotFound);

        await BillingApi.SendAsync(client, HttpMethod.Post, $"/api/v1/subscriptions/{id}/cancel", new { atPeriodEnd = false }, HttpStatusCode.OK);
        await BillingApi.SendAsync(client, HttpMethod.Post, path, new { plan = new { name = "X", price = "1.00", interval = "month" } }, HttpStatusCode.Conflict);
        Assert.Equal("10.00", BillingApi.Amount((await BillingApi.GetAsync(client, $"/api/v1/subscriptions/{id}")).GetProperty("plan").GetProperty("price")));
    }
}
