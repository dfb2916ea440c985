using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.TestInfrastructure;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Xunit;

[assembly: AssemblyFixture(typeof(ServersFixture))]

namespace CrmCloud.Campaign.Tests;

/// <summary>
/// The campaign service on its own database and virtual host, with a bus to deliver other services' events and the
/// local mail server to send to. This instance sends nothing (tests record delivery as they need it); <see cref="Sender"/>
/// starts instances that do, each on a virtual host of their own: a sender host shutting down must not take this
/// instance's events off the shared queues and fail them with its disposed services.
/// </summary>
public sealed class CampaignApi(ServersFixture servers) : ServiceFactory<CampaignDb>(servers.Servers, "campaigndb")
{
    public ConsumeCounter Consumed { get; } = new();

    public MailSink Mail { get; } = new();

    private string _senderMessaging = "";

    /// <summary>Another instance of campaign on the same database, broker and mail server, whose sender polls fast.</summary>
    public WebApplicationFactory<CampaignDb> Sender(params (string Key, string Value)[] settings) => WithWebHostBuilder(builder =>
    {
        builder.UseSetting("Delivery:Worker", "true");
        builder.UseSetting("Delivery:PollInterval", "00:00:00.200");
        builder.UseSetting("ConnectionStrings:messaging", _senderMessaging);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    });

    /// <summary>The messages the mail server kept for a campaign (their Message-ID starts with the campaign's id).</summary>
    public async Task<List<MimeMessage>> MessagesOfAsync(Guid campaignId)
    {
        var messages = new List<MimeMessage>();
        foreach (var file in Mail.Messages())
        {
            var message = await MimeMessage.LoadAsync(file);
            if (message.MessageId?.StartsWith($"{campaignId:N}.", StringComparison.Ordinal) == true)
            {
                messages.Add(message);
            }
        }

        return messages;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:mail", Mail.ConnectionString);
        builder.UseSetting("Delivery:Worker", "false");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Mail.DisposeAsync();
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _senderMessaging = await Servers.CreateVirtualHostAsync($"{VirtualHost}-senders");
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

    /// <summary>Customers of the tenant with email consent, at <c>{name}@example.com</c>.</summary>
    public Task<Guid[]> CustomersAsync(string tenant, params string[] names) =>
        CustomersAsync(tenant, [.. names.Select(n => (n, $"{n.ToLowerInvariant()}@example.com"))]);

    public async Task<Guid[]> CustomersAsync(string tenant, params (string Name, string Email)[] people)
    {
        var at = DateTimeOffset.UtcNow;
        var ids = people.Select(_ => Guid.CreateVersion7()).ToArray();
        await DeliverAsync([
            .. people.Select((p, i) => (object)new ContactCreated(tenant, ids[i], 1, new ContactSnapshot(p.Name, "Tester", p.Email, null, null) { LifecycleStage = "customer" }, at)),
            .. ids.Select(id => (object)new ConsentChanged(tenant, id, "email", "opted-in", "web-form", "consent", at, at))]);
        return ids;
    }

    public async Task DeliverWithIdAsync(object message, Guid messageId) =>
        await Services.GetRequiredService<IBus>().Publish(message, message.GetType(), context => context.MessageId = messageId);

    public Task WaitUntilConsumedAsync(Guid messageId, int times) =>
        Eventually.Until(() => Task.FromResult(Consumed.Consumed(messageId) >= times), TimeSpan.FromSeconds(30), $"message {messageId} to be consumed {times} time(s)");

    public Task<long> CountAsync(string sql, params object[] parameters) => Database.CountAsync(DatabaseConnectionString, sql, parameters);

    /// <summary>A client without credentials that does not follow redirects, as a mail reader's browser arrives.</summary>
    public HttpClient Anonymous() => CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>The tracking token of <paramref name="personId"/>'s recipient row in the campaign.</summary>
    public async Task<string> TrackingTokenAsync(Guid campaignId, Guid personId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT token FROM campaign_recipients WHERE campaign_id = $1 AND person_id = $2", connection)
        {
            Parameters = { new() { Value = campaignId }, new() { Value = personId } },
        };
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Creates a segment of the audience's customers and an email campaign to it, launches it and returns its id.</summary>
    public static async Task<Guid> LaunchToCustomersAsync(HttpClient client, object? offer = null, object? cost = null, int attributionDays = 30)
    {
        var segment = await ReadAsync(await client.PostAsJsonAsync(
            "/api/v1/segments", new { name = "Customers", criteria = JsonDocument.Parse("""{"all":[{"field":"lifecycleStage","operator":"in","values":["customer"]}]}""").RootElement }));
        var created = await ReadAsync(await client.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "Spring sale",
            segmentId = segment.GetProperty("id").GetGuid(),
            subject = "{{firstName}}, spring is here",
            body = "<p>Hello {{firstName}}. <a href=\"https://shop.example.com/spring?a=1&amp;b=2\">Shop</a> <a href=\"{{unsubscribeUrl}}\">Unsubscribe</a></p>",
            offer,
            cost,
            attributionDays,
        }));
        var id = created.GetProperty("id").GetGuid();
        (await client.PostAsync($"/api/v1/campaigns/{id}/launch", null)).EnsureSuccessStatusCode();
        return id;
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    public static ContactSnapshot Contact(string firstName, string? email = null) => new(firstName, "Tester", email, null, null);
}
