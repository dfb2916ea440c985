using System.Net;
using CrmCloud.Billing.Features.Subscriptions;
using CrmCloud.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class SubscriptionsTests(BillingApi api) : IClassFixture<BillingApi>
{
    private static readonly TimeSpan AMonthOn = TimeSpan.FromDays(32);

    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    /// <summary>Another instance of billing on the same database and broker, whose clock says a month has passed and whose scheduler polls fast.</summary>
    private WebApplicationFactory<BillingDb> InstanceAMonthOn() => api.WithWebHostBuilder(builder =>
    {
        builder.UseSetting("Scheduler:PollInterval", "00:00:00.200");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(new ShiftedClock(AMonthOn)));
    });

    private static Task<int> RunSchedulerAsync(WebApplicationFactory<BillingDb> instance, TimeSpan offset) =>
        SubscriptionBilling.RunDueAsync(instance.Services.GetRequiredService<IServiceScopeFactory>(), DateTimeOffset.UtcNow + offset, TestContext.Current.CancellationToken);

    private Task<long> InvoicesOfAsync(Guid subscription) =>
        Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM invoices WHERE subscription_id = $1 AND number IS NOT NULL", subscription);

    [Fact]
    public async Task Each_period_is_invoiced_exactly_once_across_a_restart_and_with_two_instances()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var created = await BillingApi.SendAsync(
            client, HttpMethod.Post, "/api/v1/subscriptions", new { billingAccountId = account, plan = new { name = "Pro", price = "9.99", interval = "month" } }, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("active", created.GetProperty("status").GetString());

        // The scheduler passes cover every tenant of the database: what counts is this subscription's invoices.
        await RunSchedulerAsync(api, TimeSpan.Zero);
        await RunSchedulerAsync(api, TimeSpan.Zero);
        Assert.Equal(1, await InvoicesOfAsync(id));

        // Two instances a month on: their schedulers race for the second period; one invoice comes of it.
        await using (var first = InstanceAMonthOn())
        await using (var second = InstanceAMonthOn())
        {
            _ = first.Server;
            _ = second.Server;
            await Eventually.Until(async () => await InvoicesOfAsync(id) == 2, TimeSpan.FromSeconds(20), "the second period's invoice");
        }

        // A restart: a fresh instance, and this one, run the same month again and find nothing to do.
        await using (var restarted = InstanceAMonthOn())
        {
            await Task.WhenAll(RunSchedulerAsync(restarted, AMonthOn), RunSchedulerAsync(api, AMonthOn), RunSchedulerAsync(restarted, AMonthOn));
        }

        Assert.Equal(2, await InvoicesOfAsync(id));
        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(DISTINCT period_start) FROM invoices WHERE subscription_id = $1", id));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Billing.SubscriptionRenewed' AND payload->>'subscriptionId' = $1", id.ToString()));
        var renewed = await BillingApi.SendAsync(client, HttpMethod.Get, $"/api/v1/subscriptions/{id}", null, HttpStatusCode.OK);
        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, "SELECT next_period FROM subscriptions WHERE id = $1", id));
        Assert.Equal("9.99", BillingApi.Amount(renewed.GetProperty("plan").GetProperty("price")));
    }

    [Fact]
    public async Task A_subscription_cancelled_at_period_end_issues_no_further_invoice()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var id = (await BillingApi.SendAsync(
            client, HttpMethod.Post, "/api/v1/subscriptions", new { billingAccountId = account, plan = new { name = "Basic", price = "100", interval = "month" } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await RunSchedulerAsync(api, TimeSpan.Zero);

        var cancelled = await BillingApi.SendAsync(client, HttpMethod.Post, $"/api/v1/subscriptions/{id}/cancel", new { atPeriodEnd = true }, HttpStatusCode.OK);
        Assert.True(cancelled.GetProperty("cancelAtPeriodEnd").GetBoolean());
        Assert.Equal(cancelled.GetProperty("currentPeriodEnd").GetString(), cancelled.GetProperty("endsOn").GetString());
        await BillingApi.SendAsync(client, HttpMethod.Post, $"/api/v1/subscriptions/{id}/cancel", new { atPeriodEnd = false }, HttpStatusCode.Conflict);

        // A month on, the next period would have been invoiced.
        await RunSchedulerAsync(api, AMonthOn);
        Assert.Equal(1, await InvoicesOfAsync(id));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Billing.SubscriptionCancelled' AND payload->>'subscriptionId' = $1", id.ToString()));
    }

    [Fact]
    public async Task Bad_subscriptions_are_refused_and_another_tenant_gets_404()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var problem = await BillingApi.SendAsync(
            client, HttpMethod.Post, "/api/v1/subscriptions",
            new { billingAccountId = account, startsOn = "2000-01-01", plan = new { name = "", price = "-1", interval = "week", currency = "EURO" } },
            HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "startsOn", "plan.name", "plan.price", "plan.interval", "plan.currency" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        var id = (await BillingApi.SendAsync(
            client, HttpMethod.Post, "/api/v1/subscriptions", new { billingAccountId = account, plan = new { name = "Pro", price = "5", interval = "month" } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var other = api.ApiClient($"tenant-{Guid.NewGuid():N}");
        await BillingApi.SendAsync(other, HttpMethod.Get, $"/api/v1/subscriptions/{id}", null, HttpStatusCode.NotFound);
        await BillingApi.SendAsync(other, HttpMethod.Post, $"/api/v1/subscriptions/{id}/cancel", new { atPeriodEnd = false }, HttpStatusCode.NotFound);
    }
}
