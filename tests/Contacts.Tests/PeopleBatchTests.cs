using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>POST /api/v1/people/batch: one result per item, the valid items stored together with their events.</summary>
public sealed class PeopleBatchTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private const string Batch = "/api/v1/people/batch";

    [Fact]
    public async Task A_mixed_batch_creates_the_valid_items_and_answers_each_item_in_order()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var token = TestContext.Current.CancellationToken;
        var taken = (await CreatePersonAsync(client, new { lastName = "Already Here" })).GetProperty("id").GetGuid();
        var repeated = Guid.CreateVersion7();

        var response = await client.PostAsJsonAsync(Batch, new
        {
            items = new object[]
            {
                new { firstName = "Ada", lastName = "Lovelace", email = "ada@example.com" },
                new { lastName = "Bad Email", email = "not-an-email" },
                new { firstName = "No Last Name" },
                new { id = taken, lastName = "Taken" },
                new { id = repeated, lastName = "First Of Two" },
                new { id = repeated, lastName = "Second Of Two" },
            },
        }, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await ReadJsonAsync(response)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3, 4, 5], items.Select(i => i.GetProperty("index").GetInt32()));
        Assert.Equal([201, 400, 400, 409, 201, 409], items.Select(i => i.GetProperty("status").GetInt32()));
        Assert.True(items[1].GetProperty("errors").TryGetProperty("email", out _));
        Assert.True(items[2].GetProperty("errors").TryGetProperty("lastName", out _));
        Assert.Equal("The id is taken.", items[3].GetProperty("title").GetString());
        Assert.Equal("The id is taken.", items[5].GetProperty("title").GetString());
        Assert.Equal(repeated, items[4].GetProperty("id").GetGuid());
        Assert.Equal("First Of Two", items[4].GetProperty("person").GetProperty("lastName").GetString());
        Assert.Equal("Lovelace", items[0].GetProperty("person").GetProperty("lastName").GetString());
        Assert.False(items[1].TryGetProperty("person", out _), "A failed item has no person.");

        // The one created before the batch, and the two valid items of it.
        Assert.Equal(3, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
        Assert.Equal(3, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND message_type = $2",
            tenant,
            "CrmCloud.Contracts.Contacts.ContactCreated"));
        var stillFirst = await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{taken}", token));
        Assert.Equal("Already Here", stillFirst.GetProperty("lastName").GetString());
    }

    [Fact]
    public async Task The_created_people_can_be_read()
    {
        var client = api.ClientFor(NewTenant());
        var token = TestContext.Current.CancellationToken;

        var response = await client.PostAsJsonAsync(Batch, new
        {
            items = new object[]
            {
                new { firstName = "Grace", lastName = "Hopper", phone = "+1 555 0100" },
                new { lastName = "Turing", jobTitle = "Mathematician" },
            },
        }, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await ReadJsonAsync(response)).GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, item => Assert.Equal(201, item.GetProperty("status").GetInt32()));
        var grace = await client.GetAsync($"/api/v1/people/{items[0].GetProperty("id").GetGuid()}", token);
        var alan = await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{items[1].GetProperty("id").GetGuid()}", token));
        Assert.Equal(HttpStatusCode.OK, grace.StatusCode);
        Assert.Equal("\"1\"", grace.Headers.ETag?.Tag);
        Assert.Equal("+1 555 0100", (await ReadJsonAsync(grace)).GetProperty("phone").GetString());
        Assert.Equal("Mathematician", alan.GetProperty("jobTitle").GetString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public async Task A_batch_of_no_items_or_more_than_500_is_refused_naming_items(int count)
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);

        var response = await client.PostAsJsonAsync(
            Batch, new { items = Enumerable.Range(0, count).Select(i => new { lastName = $"Person {i}" }) }, TestContext.Current.CancellationToken);

        Assert.True((await AssertValidationProblemAsync(response)).TryGetProperty("items", out _));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
    }

    [Fact]
    public async Task A_batch_without_items_is_refused_naming_items()
    {
        var response = await api.ClientFor(NewTenant()).PostAsJsonAsync(Batch, new { }, TestContext.Current.CancellationToken);

        Assert.True((await AssertValidationProblemAsync(response)).TryGetProperty("items", out _));
    }

    [Fact]
    public async Task Five_hundred_items_are_created_at_once()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);

        var response = await client.PostAsJsonAsync(
            Batch, new { items = Enumerable.Range(0, 500).Select(i => new { lastName = $"Person {i}" }) }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(500, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
    }

    [Fact]
    public async Task Another_tenants_company_is_a_400_naming_companyId_for_that_item_only()
    {
        var token = TestContext.Current.CancellationToken;
        var owner = api.ClientFor(NewTenant());
        var theirs = (await CreateCompanyAsync(owner, new { name = "Not Yours" })).GetProperty("id").GetGuid();
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var mine = (await CreateCompanyAsync(client, new { name = "Mine" })).GetProperty("id").GetGuid();

        var response = await client.PostAsJsonAsync(Batch, new
        {
            items = new object[]
            {
                new { lastName = "Employee", companyId = theirs },
                new { lastName = "Colleague", companyId = mine },
            },
        }, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await ReadJsonAsync(response)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(400, items[0].GetProperty("status").GetInt32());
        Assert.Contains(theirs.ToString(), items[0].GetProperty("errors").GetProperty("companyId").ToString(), StringComparison.Ordinal);
        Assert.Equal(201, items[1].GetProperty("status").GetInt32());
        Assert.Equal(mine, items[1].GetProperty("person").GetProperty("companyId").GetGuid());
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
    }

    [Fact]
    public async Task A_batch_needs_the_write_scope()
    {
        var client = api.ClientFor(NewTenant(), "contacts:read");

        var response = await client.PostAsJsonAsync(Batch, new { items = new[] { new { lastName = "Reader" } } }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static async Task<JsonElement> AssertValidationProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await ReadJsonAsync(response)).GetProperty("errors");
    }
}
