using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;

namespace CrmCloud.Faults;

/// <summary>A customer every service knows already: orders, tickets and payments are written for these.</summary>
internal sealed record Customer(Guid PersonId, Guid BillingAccountId);

/// <summary>
/// What the load needs before it starts, made through the gateway in the suite's own tenant: a product with ample
/// stock, a price list for it, and people whose copies have reached sales, support and billing.
/// </summary>
internal sealed class Baseline
{
    public const string Currency = "EUR";
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(90);

    private Baseline(Guid productId, IReadOnlyList<Customer> customers)
    {
        ProductId = productId;
        Customers = customers;
    }

    public Guid ProductId { get; }

    public IReadOnlyList<Customer> Customers { get; }

    public Customer AnyCustomer() => Customers[Random.Shared.Next(Customers.Count)];

    public static async Task<Baseline> CreateAsync(HttpClient gateway, int customers)
    {
        var product = await CreateAsync(gateway, "/api/v1/products", new { sku = "FAULT-1", name = "Fault drill widget", taxCategory = "standard" });
        (await gateway.PutAsJsonAsync($"/api/v1/products/{product}/stock", new { onHand = 10_000_000 })).EnsureSuccessStatusCode();
        await CreateAsync(gateway, "/api/v1/price-lists", new
        {
            name = "Fault drill list",
            currency = Currency,
            validFrom = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            prices = new[] { new { productId = product, tiers = new[] { new { minQuantity = 1, unitPrice = "2.50" } } } },
            taxRates = new[] { new { taxCategory = "standard", rate = 0.19m } },
        });

        var people = new List<Guid>();
        for (var i = 0; i < customers; i++)
        {
            people.Add(await CreateAsync(gateway, "/api/v1/people", new { firstName = "Baseline", lastName = $"Customer {i}", email = $"baseline{i}@example.com" }));
        }

        var ready = await Task.WhenAll(people.Select(async person =>
        {
            await CopyAsync(gateway, "customers", person);
            await CopyAsync(gateway, "requesters", person);
            return new Customer(person, await CopyAsync(gateway, "billing-accounts", person));
        }));
        return new Baseline(product, ready);
    }

    private static async Task<Guid> CopyAsync(HttpClient gateway, string resource, Guid person) =>
        (Guid)await Eventually.Until<object>(
            async () =>
            {
                var page = await gateway.GetFromJsonAsync<JsonElement>($"/api/v1/{resource}?personId={person}");
                var items = page.GetProperty("items");
                return items.GetArrayLength() == 1 ? items[0].GetProperty("id").GetGuid() : null;
            },
            Propagation,
            $"person {person} to reach {resource}");

    private static async Task<Guid> CreateAsync(HttpClient gateway, string path, object body)
    {
        using var response = await gateway.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }
}
