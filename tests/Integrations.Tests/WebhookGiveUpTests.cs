using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Support;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Integrations.Tests;

public sealed class WebhookGiveUpTests(ImpatientIntegrationsApi api) : IClassFixture<ImpatientIntegrationsApi>
{
    private readonly string _tenant = IntegrationsApi.NewTenant();

    [Fact]
    public async Task A_delivery_failing_until_given_up_disables_the_subscription_with_the_reason()
    {
        using var client = api.ClientFor(_tenant);
        await using var receiver = await Receiver.StartAsync(_ => 500);
        var subscription = await IntegrationsApi.SubscribeAsync(client, receiver, "ticket.opened");
        var path = $"/api/v1/webhooks/{subscription.GetProperty("id")}";

        await api.DeliverAsync(new TicketOpened(_tenant, Guid.CreateVersion7(), "T-1", Guid.CreateVersion7(), null, "Broken", "high", "email", DateTimeOffset.UtcNow), Guid.NewGuid());

        var disabled = await Eventually.Until(
            async () => await client.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken) is var s && !s.GetProperty("enabled").GetBoolean() ? new[] { s } : null,
            TimeSpan.FromSeconds(30),
            "the subscription to be disabled");
        var delivery = Assert.Single(await IntegrationsApi.ItemsAsync(client, $"{path}/deliveries"));
        Assert.Equal("failed", IntegrationsApi.Status(delivery));
        Assert.Contains(delivery.GetProperty("id").GetString()!, disabled[0].GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        Assert.Contains("500", disabled[0].GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        Assert.True(disabled[0].TryGetProperty("disabledAt", out _));
        Assert.True(receiver.Received.Count >= 2);
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Integrations.WebhookSubscriptionDisabled' AND payload->>'subscriptionId' = $1",
            subscription.GetProperty("id").GetString()!));
    }
}
