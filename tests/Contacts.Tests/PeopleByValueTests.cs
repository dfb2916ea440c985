using System.Net;
using System.Text.Json;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;
using static CrmCloud.Contacts.Tests.ProfileApi;

namespace CrmCloud.Contacts.Tests;

/// <summary><c>GET /api/v1/people?sort=-lifetimeValue</c> and the RFM value score: who the best customers are.</summary>
public sealed class PeopleByValueTests(ProfileApi api) : IClassFixture<ProfileApi>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    [Fact]
    public async Task People_are_listed_by_lifetime_value_a_page_at_a_time_without_duplicates_or_gaps()
    {
        var fifty = await CustomerAsync(50m);
        var twoHundred = await CustomerAsync(200m);
        var alsoTwoHundred = await CustomerAsync(120m, 80m);
        var ten = await CustomerAsync(10m);
        var none = await NewPersonAsync();
        var (high, low) = twoHundred.CompareTo(alsoTwoHundred) > 0 ? (twoHundred, alsoTwoHundred) : (alsoTwoHundred, twoHundred);

        var descending = await ReadAllAsync("sort=-lifetimeValue&limit=2");
        var ascending = await ReadAllAsync("sort=lifetimeValue&limit=2");

        Assert.Equal([high, low, fifty, ten, none], descending);
        Assert.Equal([none, ten, fifty, low, high], ascending);
    }

    [Fact]
    public async Task The_currency_picks_the_revenue_and_defaults_to_the_one_most_customers_ordered_in()
    {
        var euros = await CustomerAsync(10m);
        var moreEuros = await CustomerAsync(20m);
        var dollars = await CustomerAsync("USD", 500m);

        var byDefault = await ReadAllAsync("sort=-lifetimeValue");
        var inDollars = await ReadAllAsync("sort=-lifetimeValue&currency=usd");

        Assert.Equal([moreEuros, euros, dollars], byDefault);
        Assert.Equal(dollars, inDollars[0]);
    }

    [Fact]
    public async Task Value_scores_rank_customers_by_fifths_of_the_tenant()
    {
        // Customer i has i + 1 orders, the later the customer the longer ago its last order, and revenue in another order.
        decimal[] revenue = [300m, 100m, 500m, 200m, 400m];
        var customers = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var person = await NewPersonAsync();
            customers.Add(person);
            for (var order = 0; order <= i; order++)
            {
                var net = order == 0 ? revenue[i] - i : 1m;
                await api.PublishAsync(Facts.Order(_tenant, person, net, at: Start.AddDays(10 - (2 * i)).AddHours(-order)));
            }
        }

        var prospect = await NewPersonAsync();
        for (var i = 0; i < 5; i++)
        {
            var orders = i + 1;
            await ProfileUntilAsync(Client, customers[i], p => p.GetProperty("orderCount").GetInt32() == orders, $"customer {i}'s orders");
        }

        var scores = new List<string>();
        foreach (var customer in customers)
        {
            var score = (await ProfileAsync(customer)).GetProperty("valueScore");
            scores.Add($"{score.GetProperty("recency").GetInt32()}{score.GetProperty("frequency").GetInt32()}{score.GetProperty("monetary").GetInt32()}={score.GetProperty("combined").GetInt32()}");
        }

        Assert.Equal(["513=9", "421=7", "335=11", "242=8", "154=10"], scores);
        Assert.False((await ProfileAsync(prospect)).TryGetProperty("valueScore", out _));
    }

    [Theory]
    [InlineData("sort=name", "sort")]
    [InlineData("sort=-lifetimeValue&currency=EURO", "currency")]
    [InlineData("sort=lifetimeValue&currency=%E2%82%AC", "currency")]
    [InlineData("currency=EUR", "currency")]
    [InlineData("sort=-lifetimeValue&q=ada", "sort")]
    [InlineData("sort=-lifetimeValue&cursor=not-a-cursor", "cursor")]
    [InlineData("sort=-lifetimeValue&limit=0", "limit")]
    public async Task Bad_sort_parameters_are_a_400_naming_the_parameter(string query, string field)
    {
        var response = await Client.GetAsync($"/api/v1/people?{query}", Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await ReadJsonAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"Expected an error for {field}: {errors}");
    }

    [Fact]
    public async Task A_cursor_is_refused_with_another_sort_or_currency()
    {
        await CustomerAsync(10m);
        await CustomerAsync(20m);
        var page = await ReadJsonAsync(await Client.GetAsync("/api/v1/people?sort=-lifetimeValue&limit=1", Token));
        var cursor = page.GetProperty("nextCursor").GetString();

        var otherSort = await Client.GetAsync($"/api/v1/people?sort=lifetimeValue&cursor={cursor}", Token);
        var otherCurrency = await Client.GetAsync($"/api/v1/people?sort=-lifetimeValue&currency=USD&cursor={cursor}", Token);
        var same = await Client.GetAsync($"/api/v1/people?sort=-lifetimeValue&currency=EUR&cursor={cursor}", Token);

        Assert.Equal(HttpStatusCode.BadRequest, otherSort.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, otherCurrency.StatusCode);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    private Task<Guid> CustomerAsync(params decimal[] orders) => CustomerAsync("EUR", orders);

    /// <summary>A person with these orders, once their profile shows every one.</summary>
    private async Task<Guid> CustomerAsync(string currency, params decimal[] orders)
    {
        var person = await NewPersonAsync();
        foreach (var net in orders)
        {
            await api.PublishAsync(Facts.Order(_tenant, person, net, currency));
        }

        await ProfileUntilAsync(Client, person, p => p.GetProperty("orderCount").GetInt32() == orders.Length, "the customer's orders");
        return person;
    }

    private async Task<List<Guid>> ReadAllAsync(string query)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var response = await Client.GetAsync($"/api/v1/people?{query}" + (cursor is null ? "" : $"&cursor={cursor}"), Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await ReadJsonAsync(response);
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid()));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        return ids;
    }

    private async Task<Guid> NewPersonAsync() =>
        (await CreatePersonAsync(Client, new { firstName = "Grace", lastName = "Hopper" })).GetProperty("id").GetGuid();

    private async Task<JsonElement> ProfileAsync(Guid person) =>
        await ReadJsonAsync(await Client.GetAsync($"/api/v1/people/{person}/profile", Token));
}
