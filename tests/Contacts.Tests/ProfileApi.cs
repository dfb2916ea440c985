using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Billing;
using CrmCloud.Contracts.Campaign;
using CrmCloud.Contracts.Sales;
using CrmCloud.Contracts.Support;
using CrmCloud.TestInfrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace CrmCloud.Contacts.Tests;

/// <summary>
/// The contacts service with a bus to publish the facts other services will publish, and a count of the deliveries
/// it has consumed, for waiting on messages that change nothing visible.
/// </summary>
public sealed class ProfileApi(ServersFixture servers) : ServiceFactory<ContactsDb>(servers.Servers, "contactsdb")
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public ConsumeCounter Consumed { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Services.GetRequiredService<IBus>().ConnectConsumeObserver(Consumed);
        var probe = CreateClient();
        // Events published before the consumers' queues are bound would have nowhere to go.
        await Eventually.Until(
            async () => (await probe.GetAsync("/health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60),
            "contacts to be ready with its consumers bound");
    }

    /// <summary>Publishes <paramref name="fact"/> on the broker as its service would, under <paramref name="messageId"/> (new when null).</summary>
    public async Task<Guid> PublishAsync<T>(T fact, Guid? messageId = null)
        where T : class
    {
        var id = messageId ?? Guid.NewGuid();
        // Published as its runtime type, so a fact held as object still goes out as the event it is.
        await Services.GetRequiredService<IBus>().Publish(fact, fact.GetType(), context => context.MessageId = id);
        return id;
    }

    /// <summary>Publishes and waits until contacts has consumed the message <paramref name="times"/> times in all.</summary>
    public async Task<Guid> DeliverAsync<T>(T fact, Guid? messageId = null, int times = 1)
        where T : class
    {
        var id = await PublishAsync(fact, messageId);
        await Eventually.Until(
            () => Task.FromResult(Consumed.Consumed(id) >= times), TimeSpan.FromSeconds(30), $"message {id} to be consumed {times} time(s)");
        return id;
    }

    /// <summary>Reads <paramref name="path"/> until <paramref name="ready"/> holds, and returns that answer.</summary>
    public static async Task<JsonElement> UntilAsync(HttpClient client, string path, Func<JsonElement, bool> ready, string what)
    {
        var last = default(JsonElement);
        await Eventually.Until(
            async () =>
            {
                var response = await client.GetAsync(path);
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }

                last = await response.Content.ReadFromJsonAsync<JsonElement>(ContactsApi.Json);
                return ready(last);
            },
            TimeSpan.FromSeconds(30),
            what);
        return last;
    }

    public static Task<JsonElement> ProfileUntilAsync(HttpClient client, Guid personId, Func<JsonElement, bool> ready, string what) =>
        UntilAsync(client, $"/api/v1/people/{personId}/profile", ready, what);

    public static async Task<long> CountAsync(ProfileApi api, string sql, params object[] parameters) =>
        await Database.CountAsync(api.DatabaseConnectionString, sql, parameters);

    /// <summary>The lifetime revenue of a profile as "amount currency" strings, in the order given.</summary>
    public static string[] Revenue(JsonElement profile) =>
        [.. profile.GetProperty("lifetimeRevenue").EnumerateArray().Select(m => $"{m.GetProperty("amount").GetString()} {m.GetProperty("currency").GetString()}")];
}

/// <summary>Facts as sales, billing, support and campaign will publish them, with plain defaults.</summary>
public static class Facts
{
    public static OrderPlaced Order(
        string tenant, Guid person, decimal net, string currency = "EUR", DateTimeOffset? at = null, Guid? orderId = null, Guid? company = null)
    {
        var tax = decimal.Round(net * 0.2m, 2);
        return new OrderPlaced(
            tenant,
            orderId ?? Guid.CreateVersion7(),
            "SO-1001",
            person,
            company,
            [new OrderLine(Guid.CreateVersion7(), "WID-1", "Widget", 2, net / 2, 0, 0.2m, net)],
            net,
            0,
            tax,
            net + tax,
            currency,
            at ?? ProfileApi.Start);
    }

    public static OrderCancelled Cancelled(OrderPlaced order, DateTimeOffset? at = null) => new(
        order.TenantId, order.OrderId, order.OrderNumber, order.PersonId, order.CompanyId, order.NetTotal, order.Total, order.Currency, "Changed mind", at ?? order.OccurredAt.AddHours(1));

    public static InvoiceIssued Invoice(string tenant, Guid person, decimal total, DateTimeOffset? at = null) => new(
        tenant, Guid.CreateVersion7(), "INV-7", person, null, Guid.CreateVersion7(), total, 0, "EUR", new DateOnly(2026, 3, 2), new DateOnly(2026, 4, 1), null, at ?? ProfileApi.Start);

    public static PaymentReceived Payment(string tenant, Guid person, decimal amount, DateTimeOffset? at = null) => new(
        tenant, Guid.CreateVersion7(), person, null, Guid.CreateVersion7(), null, amount, "EUR", "card", at ?? ProfileApi.Start);

    public static TicketOpened Ticket(string tenant, Guid person, DateTimeOffset? at = null, Guid? ticketId = null, Guid? company = null) => new(
        tenant, ticketId ?? Guid.CreateVersion7(), "T-12", person, company, "Printer on fire", "high", "email", at ?? ProfileApi.Start);

    public static TicketSolved Solved(TicketOpened ticket, DateTimeOffset? at = null) => new(
        ticket.TenantId, ticket.TicketId, ticket.TicketNumber, ticket.PersonId, ticket.CompanyId, ticket.Subject, ticket.Priority, ticket.Channel, at ?? ticket.OccurredAt.AddHours(1));

    public static CampaignResponseRecorded Response(string tenant, Guid person, string response, DateTimeOffset? at = null, string campaign = "Spring sale") => new(
        tenant, Guid.CreateVersion7(), Guid.CreateVersion7(), campaign, person, null, response, at ?? ProfileApi.Start);
}
