using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.TestInfrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

[assembly: AssemblyFixture(typeof(ServersFixture))]

namespace CrmCloud.Support.Tests;

/// <summary>The support service on its own database and virtual host, with a bus to deliver events; shared by one test class.</summary>
public class SupportApi(ServersFixture servers) : ServiceFactory<SupportDb>(servers.Servers, "supportdb")
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ConsumeCounter Consumed { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Services.GetRequiredService<IBus>().ConnectConsumeObserver(Consumed);
        var probe = CreateClient();
        // Events published before the consumers' queues are bound would have nowhere to go.
        await Eventually.Until(
            async () => (await probe.GetAsync("/health/ready", TestContext.Current.CancellationToken)).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60),
            "support to be ready with its consumers bound");
    }

    /// <summary>A tenant no other test uses, so tests sharing the database never see each other's data.</summary>
    public static string NewTenant() => $"tenant-{Guid.NewGuid():N}";

    /// <summary>Publishes <paramref name="message"/> as the broker would deliver it, with a chosen message id.</summary>
    public async Task DeliverAsync<T>(T message, Guid messageId)
        where T : class =>
        await Services.GetRequiredService<IBus>().Publish(message, context => context.MessageId = messageId);

    public Task WaitUntilConsumedAsync(Guid messageId, int times) =>
        Eventually.Until(() => Task.FromResult(Consumed.Consumed(messageId) >= times), TimeSpan.FromSeconds(30), $"message {messageId} to be consumed {times} time(s)");

    /// <summary>A person as contacts would announce it; returns once support lists the requester.</summary>
    public async Task<Guid> CreateRequesterAsync(string tenant, string email)
    {
        var personId = Guid.CreateVersion7();
        await DeliverAsync(new ContactCreated(tenant, personId, 1, new ContactSnapshot("Ada", "Lovelace", email, null, null), DateTimeOffset.UtcNow), Guid.NewGuid());
        await Eventually.Until(
            async () => (await ClientFor(tenant).GetFromJsonAsync<JsonElement>($"/api/v1/requesters?personId={personId}", TestContext.Current.CancellationToken)).GetProperty("items").GetArrayLength() == 1,
            TimeSpan.FromSeconds(30),
            $"requester {personId} to reach support");
        return personId;
    }

    /// <summary>How many events of <paramref name="type"/> (its short name) the outbox holds for <paramref name="ticketId"/>.</summary>
    public Task<long> EventsAsync(string type, Guid ticketId) =>
        Database.CountAsync(
            DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'ticketId' = $2",
            $"CrmCloud.Contracts.Support.{type}",
            ticketId.ToString());

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Json, TestContext.Current.CancellationToken);

    /// <summary>POSTs <paramref name="body"/> and returns the created resource, failing with the problem when it is refused.</summary>
    public static async Task<JsonElement> CreateAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }

        return await ReadJsonAsync(response);
    }

    public static async Task<JsonElement> PatchAsync(HttpClient client, string path, object body)
    {
        var response = await client.PatchAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"PATCH {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }

        return await ReadJsonAsync(response);
    }

    /// <summary>The field names a 400 validation problem names.</summary>
    public static async Task<string[]> InvalidFieldsAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        return [.. problem.GetProperty("errors").EnumerateObject().Select(e => e.Name)];
    }

    public static async Task<JsonElement[]> ItemsAsync(HttpClient client, string path) =>
        [.. (await client.GetFromJsonAsync<JsonElement>(path, Json, TestContext.Current.CancellationToken)).GetProperty("items").EnumerateArray()];
}
