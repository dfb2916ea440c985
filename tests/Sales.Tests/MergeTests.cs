using System.Net;
using System.Net.Http.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class MergeTests(SalesApi api) : IClassFixture<SalesApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_merge_moves_the_merged_persons_orders_to_the_survivor_once()
    {
        var survivor = await api.CreateCustomerAsync(_tenant, "Survivor");
        var duplicate = await api.CreateCustomerAsync(_tenant, "Duplicate");
        var product = await ArrangeProductAsync("MRG-1");
        var first = await PlaceAsync(duplicate, product);
        var second = await PlaceAsync(duplicate, product);

        var messageId = Guid.NewGuid();
        var merge = new ContactsMerged(_tenant, survivor, 2, new ContactSnapshot("Ada", "Survivor", null, null, null), [new MergedContact(duplicate, 2)], DateTimeOffset.UtcNow);
        await api.DeliverAsync(merge, messageId);
        await api.DeliverAsync(merge, messageId);
        // Two consumers (the customer copy and the orders) each see the message twice.
        await api.WaitUntilConsumedAsync(messageId, 4);

        var ofSurvivor = await ReadJsonAsync(await Client.GetAsync($"/api/v1/orders?personId={survivor}", Token));
        Assert.Equal([first, second], ofSurvivor.GetProperty("items").EnumerateArray().Select(order => order.GetProperty("id").GetGuid()));
        Assert.All(ofSurvivor.GetProperty("items").EnumerateArray(), order => Assert.Equal(2, order.GetProperty("version").GetInt64()));
        Assert.Empty((await ReadJsonAsync(await Client.GetAsync($"/api/v1/orders?personId={duplicate}", Token))).GetProperty("items").EnumerateArray());
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = $1 AND consumer = 'CustomerMergeConsumer'", messageId));
    }

    [Fact]
    public async Task A_merge_moves_the_merged_persons_opportunities_to_the_survivor_once()
    {
        var survivor = await api.CreateCustomerAsync(_tenant, "Survivor");
        var duplicate = await api.CreateCustomerAsync(_tenant, "Duplicate");
        var opportunity = (await CreateAsync(Client, "/api/v1/opportunities", new { name = "Renewal", personId = duplicate, amount = new { amount = "100.00", currency = "EUR" } })).GetProperty("id").GetGuid();

        var messageId = Guid.NewGuid();
        var merge = new ContactsMerged(_tenant, survivor, 2, new ContactSnapshot("Ada", "Survivor", null, null, null), [new MergedContact(duplicate, 2)], DateTimeOffset.UtcNow);
        await api.DeliverAsync(merge, messageId);
        await api.DeliverAsync(merge, messageId);
        await api.WaitUntilConsumedAsync(messageId, 4);

        var moved = await ReadJsonAsync(await Client.GetAsync($"/api/v1/opportunities/{opportunity}", Token));
        Assert.Equal(survivor, moved.GetProperty("personId").GetGuid());
        Assert.Equal(2, moved.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task An_order_placed_later_for_a_merged_person_is_the_survivors()
    {
        var survivor = await api.CreateCustomerAsync(_tenant, "Survivor");
        var duplicate = await api.CreateCustomerAsync(_tenant, "Duplicate");
        var product = await ArrangeProductAsync("MRG-2");
        var messageId = Guid.NewGuid();
        await api.DeliverAsync(
            new ContactsMerged(_tenant, survivor, 2, new ContactSnapshot("Ada", "Survivor", null, null, null), [new MergedContact(duplicate, 2)], DateTimeOffset.UtcNow),
            messageId);
        await api.WaitUntilConsumedAsync(messageId, 2);

        var order = await CreateAsync(Client, "/api/v1/orders", new { personId = duplicate, currency = "EUR", lines = new[] { new { productId = product, quantity = 1 } } });

        Assert.Equal(survivor, order.GetProperty("personId").GetGuid());
    }

    [Fact]
    public async Task A_merge_in_another_tenant_moves_nothing()
    {
        var survivor = await api.CreateCustomerAsync(_tenant, "Survivor");
        var duplicate = await api.CreateCustomerAsync(_tenant, "Duplicate");
        var product = await ArrangeProductAsync("MRG-3");
        var id = await PlaceAsync(duplicate, product);
        var messageId = Guid.NewGuid();

        await api.DeliverAsync(
            new ContactsMerged(NewTenant(), survivor, 2, new ContactSnapshot("Ada", "Survivor", null, null, null), [new MergedContact(duplicate, 2)], DateTimeOffset.UtcNow),
            messageId);
        await api.WaitUntilConsumedAsync(messageId, 2);

        var order = await ReadJsonAsync(await Client.GetAsync($"/api/v1/orders/{id}", Token));
        Assert.Equal(duplicate, order.GetProperty("personId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/api/v1/orders/{id}", Token)).StatusCode);
    }

    private async Task<Guid> ArrangeProductAsync(string sku)
    {
        var product = await CreateProductAsync(Client, sku);
        await CreatePriceListAsync(Client, "EUR", (product, "1.00"));
        return product;
    }

    private async Task<Guid> PlaceAsync(Guid person, Guid product) =>
        (await CreateAsync(Client, "/api/v1/orders", new { personId = person, currency = "EUR", lines = new[] { new { productId = product, quantity = 1 } } }))
            .GetProperty("id").GetGuid();
}
