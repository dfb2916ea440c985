using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.TestInfrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

[assembly: AssemblyFixture(typeof(ServersFixture))]

namespace CrmCloud.Campaign.Tests;

/// <summary>The campaign service on its own database and virtual host, with a bus to deliver other services' events.</summary>
public sealed class CampaignApi(ServersFixture servers) : ServiceFactory<CampaignDb>(servers.Servers, "campaigndb")
{
    public ConsumeCounter Consumed { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Services.GetRequiredService<IBus>().ConnectConsumeObserver(Consumed);
        var probe = CreateClient();
        await Eventually.Until(
            async () => (await probe.GetAsync("/health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60),
            "campaign to be ready with its consumers bound");
    }

    /// <summary>Publishes the events as the broker would deliver them and waits until each was consumed.</summary>
    public async Task DeliverAsync(params object[] events)
    {
        var ids = new List<Guid>();
        foreach (var message in events)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            await Services.GetRequiredService<IBus>().Publish(message, message.GetType(), context => context.MessageId = id);
        }

        foreach (var id in ids)
        {
            await WaitUntilConsumedAsync(id, 1);
        }
    }

    public async Task DeliverWithIdAsync(object message, Guid messageId) =>
        await Services.GetRequiredService<IBus>().Publish(message, message.GetType(), context => context.MessageId = messageId);

    public Task WaitUntilConsumedAsync(Guid messageId, int times) =>
        Eventually.Until(() => Task.FromResult(Consumed.Consumed(messageId) >= times), TimeSpan.FromSeconds(30), $"message {messageId} to be consumed {times} time(s)");

    public Task<long> CountAsync(string sql, params object[] parameters) => Database.CountAsync(DatabaseConnectionString, sql, parameters);

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    public static ContactSnapshot Contact(string firstName, string? email = null) => new(firstName, "Tester", email, null, null);
}
