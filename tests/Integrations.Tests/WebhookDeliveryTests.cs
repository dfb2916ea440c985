using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Sales;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Integrations.Tests;

public sealed class WebhookDeliveryTests(IntegrationsApi api) : IClassFixture<IntegrationsApi>
{
    private readonly string _tenant = IntegrationsApi.NewTenant();

    [Fact]
    public async Task A_receiver_failing_twice_gets_one_signed_delivery_after_three_logged_attempts()
    {
        using var client = api.ClientFor(_tenant);
        await using var receiver = await Receiver.StartAsync(request => request < 2 ? 500 : 204);
        var subscription = await IntegrationsApi.SubscribeAsync(client, receiver, "order.placed");
        var orderId = Guid.CreateVersion7();

        await api.DeliverAsync(Placed(orderId), Guid.NewGuid());

        var delivery = (await IntegrationsApi.DeliveriesWhenAsync(client, subscription, d => d is [var one] && IntegrationsApi.Status(one) == "delivered", "the delivery to succeed"))[0];
        var received = receiver.Received;
        Assert.Equal([500, 500, 204], received.Select(r => r.Answer));
        var success = Assert.Single(received, r => r.Succeeded);
        Assert.True(success.HasValidSignature(subscription.GetProperty("secret").GetString()!, DateTimeOffset.UtcNow));
        Assert.All(received, r => Assert.Equal(delivery.GetProperty("id").GetString(), r.Id));
        Assert.All(received, r => Assert.Equal(success.Body, r.Body));
        var body = JsonDocument.Parse(success.Body).RootElement;
        Assert.Equal(success.Id, body.GetProperty("id").GetString());
        Assert.Equal("order.placed", body.GetProperty("type").GetString());
        Assert.Equal(orderId, body.GetProperty("data").GetProperty("id").GetGuid());
        Assert.Equal("11.90", body.GetProperty("data").GetProperty("total").GetProperty("amount").GetString());

        var log = await client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/webhooks/{subscription.GetProperty("id")}/deliveries/{delivery.GetProperty("id")}", TestContext.Current.CancellationToken);
        Assert.Equal([500, 500, 204], log.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.Equal(3, log.GetProperty("attempts").GetInt32());
        Assert.Equal(204, log.GetProperty("lastStatusCode").GetInt32());
    }

    [Fact]
    public async Task A_redelivered_event_makes_no_second_delivery()
    {
        using var client = api.ClientFor(_tenant);
        await using var receiver = await Receiver.StartAsync(_ => 200);
        var subscription = await IntegrationsApi.SubscribeAsync(client, receiver, "order.placed");
        var messageId = Guid.NewGuid();
        var placed = Placed(Guid.CreateVersion7());

        await api.DeliverAsync(placed, messageId);
        await api.DeliverAsync(placed, messageId);
        await api.WaitUntilConsumedAsync(messageId, times: 2);

        await IntegrationsApi.DeliveriesWhenAsync(client, subscription, d => d is [var one] && IntegrationsApi.Status(one) == "delivered", "the delivery to succeed");
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task A_manual_redelivery_sends_the_same_id_again()
    {
        using var client = api.ClientFor(_tenant);
        await using var receiver = await Receiver.StartAsync(_ => 200);
        var subscription = await IntegrationsApi.SubscribeAsync(client, receiver, "order.placed");
        await api.DeliverAsync(Placed(Guid.CreateVersion7()), Guid.NewGuid());
        var delivery = (await IntegrationsApi.DeliveriesWhenAsync(client, subscription, d => d is [var one] && IntegrationsApi.Status(one) == "delivered", "the delivery to succeed"))[0];

        var redelivered = await client.PostAsync(
            $"/api/v1/webhooks/{subscription.GetProperty("id")}/deliveries/{delivery.GetProperty("id")}/redeliver", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, redelivered.StatusCode);
        await Eventually.Until(() => Task.FromResult(receiver.Received.Count == 2), TimeSpan.FromSeconds(30), "the delivery to be sent again");
        var (first, second) = (receiver.Received[0], receiver.Received[1]);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Body, second.Body);
        await IntegrationsApi.DeliveriesWhenAsync(client, subscription, d => d is [var one] && one.GetProperty("attempts").GetInt32() == 2, "the second attempt to be logged");
    }

    [Fact]
    public async Task A_later_event_about_the_same_order_waits_until_the_earlier_one_is_delivered()
    {
        using var client = api.ClientFor(_tenant);
        var recovered = false;
        await using var receiver = await Receiver.StartAsync(_ => Volatile.Read(ref recovered) ? 200 : 503);
        var subscription = await IntegrationsApi.SubscribeAsync(client, receiver, "order.placed", "order.status_changed");
        var orderId = Guid.CreateVersion7();
        var placedAt = DateTimeOffset.UtcNow;

        await api.DeliverAsync(Placed(orderId, placedAt), Guid.NewGuid());
        await api.DeliverAsync(new OrderStatusChanged(_tenant, orderId, "SO-1", Guid.CreateVersion7(), null, "shipped", "placed", 2, placedAt.AddSeconds(1)), Guid.NewGuid());
        // Both are waiting, and the first has failed at least twice meanwhile.
        await IntegrationsApi.DeliveriesWhenAsync(
            client, subscription, d => d.Length == 2 && d.Any(one => one.GetProperty("attempts").GetInt32() >= 2), "both deliveries, the first failing");
        Volatile.Write(ref recovered, true);
        await IntegrationsApi.DeliveriesWhenAsync(client, subscription, d => d.Length == 2 && d.All(one => IntegrationsApi.Status(one) == "delivered"), "both to be delivered");

        var types = receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()).ToList();
        var firstDelivered = receiver.Received.ToList().FindIndex(r => r.Succeeded);
        Assert.Equal("order.placed", types[firstDelivered]);
        Assert.DoesNotContain("order.status_changed", types.Take(firstDelivered + 1));
        Assert.Equal(1, types.Count(t => t == "order.status_changed"));
    }

    [Fact]
    public async Task Only_enabled_subscriptions_to_the_event_type_get_a_delivery()
    {
        using var client = api.ClientFor(_tenant);
        await using var receiver = await Receiver.StartAsync(_ => 200);
        var placedOnly = await IntegrationsApi.SubscribeAsync(client, receiver, "order.placed");
        var ticketsOnly = await IntegrationsApi.SubscribeAsync(client, receiver, "ticket.opened");
        var disabled = await IntegrationsApi.SubscribeAsync(client, receiver, "order.placed");
        var patched = await client.PatchAsJsonAsync($"/api/v1/webhooks/{disabled.GetProperty("id")}", new { enabled = false }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var messageId = Guid.NewGuid();

        await api.DeliverAsync(Placed(Guid.CreateVersion7()), messageId);
        await api.WaitUntilConsumedAsync(messageId, times: 1);

        await IntegrationsApi.DeliveriesWhenAsync(client, placedOnly, d => d is [var one] && IntegrationsApi.Status(one) == "delivered", "the delivery to succeed");
        Assert.Empty(await IntegrationsApi.ItemsAsync(client, $"/api/v1/webhooks/{ticketsOnly.GetProperty("id")}/deliveries"));
        Assert.Empty(await IntegrationsApi.ItemsAsync(client, $"/api/v1/webhooks/{disabled.GetProperty("id")}/deliveries"));
    }

    private OrderPlaced Placed(Guid orderId, DateTimeOffset? at = null) =>
        new(_tenant, orderId, "SO-1", Guid.CreateVersion7(), null, [], 10m, 0m, 1.9m, 11.9m, "EUR", at ?? DateTimeOffset.UtcNow);
}
