using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.TestInfrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

[assembly: AssemblyFixture(typeof(ServersFixture))]

namespace CrmCloud.Billing.Tests;

/// <summary>The billing service on its own database and virtual host, with a bus to deliver contact events.</summary>
public sealed class BillingApi(ServersFixture servers) : ServiceFactory<BillingDb>(servers.Servers, "billingdb")
{
    public ConsumeCounter Consumed { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Services.GetRequiredService<IBus>().ConnectConsumeObserver(Consumed);
        var probe = CreateClient();
        // Events published before the consumer's queue is bound would have nowhere to go.
        await Eventually.Until(
            async () => (await probe.GetAsync("/health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60),
            "billing to be ready with its consumers bound");
    }

    /// <summary>Publishes <paramref name="contactEvent"/> as the broker would deliver it, with a chosen message id.</summary>
    public async Task DeliverAsync<T>(T contactEvent, Guid messageId)
        where T : class =>
        await Services.GetRequiredService<IBus>().Publish(contactEvent, context => context.MessageId = messageId);

    public Task WaitUntilConsumedAsync(Guid messageId, int times) =>
        Eventually.Until(() => Task.FromResult(Consumed.Consumed(messageId) >= times), TimeSpan.FromSeconds(30), $"message {messageId} to be consumed {times} time(s)");

    public async Task<JsonElement[]> AccountsAsync(string tenant, Guid personId)
    {
        var page = await ApiClient(tenant).GetFromJsonAsync<JsonElement>($"/api/v1/billing-accounts?personId={personId}");
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    public HttpClient ApiClient(string tenant) => ClientFor(tenant);

    public static ContactSnapshot Contact(string lastName, string? email = null) => new("Ada", lastName, email, null, null);
}
