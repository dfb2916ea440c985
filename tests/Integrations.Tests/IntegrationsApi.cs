using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

[assembly: AssemblyFixture(typeof(ServersFixture))]

namespace CrmCloud.Integrations.Tests;

/// <summary>
/// The integrations service on its own database and virtual host, with a bus to deliver events, delivering webhooks to
/// receivers on this machine with quick retries; shared by one test class.
/// </summary>
public class IntegrationsApi(ServersFixture servers) : ServiceFactory<IntegrationsDb>(servers.Servers, "integrationsdb")
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ConsumeCounter Consumed { get; } = new();

    /// <summary>How long a failing delivery is retried before it is given up.</summary>
    protected virtual TimeSpan GiveUpAfter => TimeSpan.FromMinutes(5);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Services.GetRequiredService<IBus>().ConnectConsumeObserver(Consumed);
        var probe = CreateClient();
        // Events published before the consumers' queues are bound would have nowhere to go.
        await Eventually.Until(
            async () => (await probe.GetAsync("/health/ready", TestContext.Current.CancellationToken)).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60),
            "integrations to be ready with its consumers bound");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Webhooks:AllowPrivateAddresses", "true");
        builder.UseSetting("Webhooks:PollInterval", "00:00:00.100");
        builder.UseSetting("Webhooks:FirstRetry", "00:00:00.200");
        builder.UseSetting("Webhooks:MaxRetryInterval", "00:00:01");
        builder.UseSetting("Webhooks:GiveUpAfter", GiveUpAfter.ToString("c", CultureInfo.InvariantCulture));
    }

    /// <summary>A tenant no other test uses, so tests sharing the database never see each other's data.</summary>
    public static string NewTenant() => $"tenant-{Guid.NewGuid():N}";

    /// <summary>Publishes <paramref name="message"/> as the broker would deliver it, with a chosen message id.</summary>
    public async Task DeliverAsync<T>(T message, Guid messageId)
        where T : class =>
        await Services.GetRequiredService<IBus>().Publish(message, context => context.MessageId = messageId);

    public Task WaitUntilConsumedAsync(Guid messageId, int times) =>
        Eventually.Until(() => Task.FromResult(Consumed.Consumed(messageId) >= times), TimeSpan.FromSeconds(30), $"message {messageId} to be consumed {times} time(s)");

    /// <summary>Subscribes <paramref name="receiver"/> to <paramref name="eventTypes"/>; returns the subscription as created (with its secret).</summary>
    public static Task<JsonElement> SubscribeAsync(HttpClient client, Receiver receiver, params string[] eventTypes) =>
        CreateAsync(client, "/api/v1/webhooks", new { url = receiver.Url, eventTypes, description = "The partner's endpoint" });

    /// <summary>The subscription's deliveries once <paramref name="done"/> holds for them.</summary>
    public static Task<JsonElement[]> DeliveriesWhenAsync(HttpClient client, JsonElement subscription, Func<JsonElement[], bool> done, string what) =>
        Eventually.Until(
            async () => await ItemsAsync(client, $"/api/v1/webhooks/{subscription.GetProperty("id")}/deliveries") is var items && done(items) ? items : null,
            TimeSpan.FromSeconds(30),
            what);

    public static string Status(JsonElement delivery) => delivery.GetProperty("status").GetString()!;

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

/// <summary>Integrations giving up on a failing delivery after one second.</summary>
public sealed class ImpatientIntegrationsApi(ServersFixture servers) : IntegrationsApi(servers)
{
    protected override TimeSpan GiveUpAfter => TimeSpan.FromSeconds(1);
}
