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

    /// <summary>A billing account for a new person of <paramref name="tenant"/>, made as contacts makes it: by event.</summary>
    public async Task<Guid> NewAccountAsync(string tenant, string lastName = "Lovelace") => (await NewCustomerAsync(tenant, Contact(lastName, "ada@example.com"))).Account;

    /// <summary>A new person of <paramref name="tenant"/> as <paramref name="contact"/> describes them, and the billing account their event makes.</summary>
    public async Task<(Guid Person, Guid Account)> NewCustomerAsync(string tenant, ContactSnapshot contact)
    {
        var person = Guid.CreateVersion7();
        var messageId = Guid.NewGuid();
        await DeliverAsync(new ContactCreated(tenant, person, 1, contact, DateTimeOffset.UtcNow), messageId);
        await WaitUntilConsumedAsync(messageId, 1);
        return (person, Assert.Single(await AccountsAsync(tenant, person)).GetProperty("id").GetGuid());
    }

    /// <summary>
    /// Delivers <paramref name="message"/> <paramref name="times"/> times under one message id, as a broker redelivering it
    /// would, and waits until every billing consumer of it has had every delivery.
    /// </summary>
    public async Task DeliverAndWaitAsync<T>(T message, int times = 1)
        where T : class
    {
        var messageId = Guid.NewGuid();
        for (var i = 0; i < times; i++)
        {
            await DeliverAsync(message, messageId);
        }

        var consumers = typeof(BillingDb).Assembly.GetTypes().Count(t => !t.IsAbstract && typeof(IConsumer<T>).IsAssignableFrom(t));
        await WaitUntilConsumedAsync(messageId, times * consumers);
    }

    /// <summary>GETs <paramref name="path"/> as JSON.</summary>
    public static Task<JsonElement> GetAsync(HttpClient client, string path) =>
        client.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken);

    /// <summary>Posts <paramref name="body"/> and returns the JSON answer, failing with the body when the status is not <paramref name="expected"/>.</summary>
    public static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, object? body, System.Net.HttpStatusCode expected)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A draft invoice for <paramref name="account"/> with the given lines; issued when <paramref name="issue"/>.</summary>
    public static Task<JsonElement> InvoiceAsync(HttpClient client, Guid account, bool issue, string currency = "EUR", params object[] lines) =>
        SendAsync(client, HttpMethod.Post, "/api/v1/invoices", new { billingAccountId = account, currency, issue, lines }, System.Net.HttpStatusCode.Created);

    public static object Line(string description, decimal quantity, string unitPrice, Guid? taxRateId = null, string? discount = null) =>
        new { description, quantity, unitPrice, taxRateId, discount };

    public static string Amount(JsonElement money) => money.GetProperty("amount").GetString()!;

    public static ContactSnapshot Contact(string lastName, string? email = null) => new("Ada", lastName, email, null, null);
}
