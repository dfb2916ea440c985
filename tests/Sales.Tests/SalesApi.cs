using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.TestInfrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

[assembly: AssemblyFixture(typeof(ServersFixture))]

namespace CrmCloud.Sales.Tests;

/// <summary>The sales service on its own database and virtual host, with a bus to deliver contact events; shared by one test class.</summary>
public sealed class SalesApi(ServersFixture servers) : ServiceFactory<SalesDb>(servers.Servers, "salesdb")
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
            async () => (await probe.GetAsync("/health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60),
            "sales to be ready with its consumers bound");
    }

    /// <summary>A tenant no other test uses, so tests sharing the database never see each other's data.</summary>
    public static string NewTenant() => $"tenant-{Guid.NewGuid():N}";

    /// <summary>Publishes <paramref name="contactEvent"/> as the broker would deliver it, with a chosen message id.</summary>
    public async Task DeliverAsync<T>(T contactEvent, Guid messageId)
        where T : class =>
        await Services.GetRequiredService<IBus>().Publish(contactEvent, context => context.MessageId = messageId);

    /// <summary>Waits until every consumer of the message has handled it <paramref name="times"/> times.</summary>
    public Task WaitUntilConsumedAsync(Guid messageId, int times) =>
        Eventually.Until(() => Task.FromResult(Consumed.Consumed(messageId) >= times), TimeSpan.FromSeconds(30), $"message {messageId} to be consumed {times} time(s)");

    /// <summary>A customer as contacts would announce it; returns once sales lists it.</summary>
    public async Task<Guid> CreateCustomerAsync(string tenant, string lastName = "Lovelace")
    {
        var personId = Guid.CreateVersion7();
        await DeliverAsync(new ContactCreated(tenant, personId, 1, new ContactSnapshot("Ada", lastName, null, null, null), DateTimeOffset.UtcNow), Guid.NewGuid());
        await Eventually.Until(
            async () =>
            {
                var page = await ClientFor(tenant).GetFromJsonAsync<JsonElement>($"/api/v1/customers?personId={personId}");
                return page.GetProperty("items").GetArrayLength() == 1;
            },
            TimeSpan.FromSeconds(30),
            $"customer {personId} to reach sales");
        return personId;
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Json);

    /// <summary>POSTs <paramref name="body"/> and returns the created resource, failing with the problem when it is refused.</summary>
    public static async Task<JsonElement> CreateAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return await ReadJsonAsync(response);
    }

    /// <summary>A product with <paramref name="onHand"/> in stock; returns its id.</summary>
    public static async Task<Guid> CreateProductAsync(HttpClient client, string sku, decimal onHand = 100, string taxCategory = "standard")
    {
        var id = (await CreateAsync(client, "/api/v1/products", new { sku, name = $"Product {sku}", taxCategory })).GetProperty("id").GetGuid();
        if (onHand > 0)
        {
            var stock = await client.PutAsJsonAsync($"/api/v1/products/{id}/stock", new { onHand });
            stock.EnsureSuccessStatusCode();
        }

        return id;
    }

    /// <summary>A price list valid from today on, in <paramref name="currency"/>, pricing each product with one tier from 1 and taxing standard at 19 %.</summary>
    public static async Task<Guid> CreatePriceListAsync(HttpClient client, string currency, params (Guid ProductId, string UnitPrice)[] prices) =>
        (await CreateAsync(client, "/api/v1/price-lists", new
        {
            name = $"{currency} list",
            currency,
            validFrom = Today,
            prices = prices.Select(price => new { productId = price.ProductId, tiers = new[] { new { minQuantity = 1, unitPrice = price.UnitPrice } } }),
            taxRates = new[] { new { taxCategory = "standard", rate = 0.19m }, new { taxCategory = "reduced", rate = 0.07m } },
        })).GetProperty("id").GetGuid();

    public static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends <paramref name="json"/> with <paramref name="method"/>, with <c>If-Match</c> when <paramref name="ifMatch"/> is given.</summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, HttpMethod method, string path, string? json, string? ifMatch = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, contentType);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(ifMatch));
        }

        return await client.SendAsync(request);
    }

    /// <summary>The field names a validation problem lists.</summary>
    public static async Task<string[]> ErrorFieldsAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        return [.. problem.GetProperty("errors").EnumerateObject().Select(error => error.Name)];
    }
}
