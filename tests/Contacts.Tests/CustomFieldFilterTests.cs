using System.Net;
using System.Text.Json;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;
using static CrmCloud.Contacts.Tests.CustomFieldsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary><c>?customFields.&lt;key&gt;=</c> and its ranges on the lists of people and companies.</summary>
public sealed class CustomFieldFilterTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("customFields.nickname=Ace", new[] { "Ada" })]
    [InlineData("customFields.nickname=ace", new string[0])]
    [InlineData("customFields.score=10.0", new[] { "Ada" })]
    [InlineData("customFields.since=2021-06-15", new[] { "Bob" })]
    [InlineData("customFields.vip=true", new[] { "Ada", "Cy" })]
    [InlineData("customFields.vip=false", new[] { "Bob" })]
    [InlineData("customFields.tier=gold", new[] { "Bob", "Cy" })]
    [InlineData("customFields.tier=Gold&customFields.vip=true", new[] { "Cy" })]
    [InlineData("customFields.score.min=10", new[] { "Ada", "Bob" })]
    [InlineData("customFields.score.max=10", new[] { "Ada", "Cy" })]
    [InlineData("customFields.score.min=-3&customFields.score.max=9.99", new[] { "Cy" })]
    [InlineData("customFields.since.min=2021-06-15", new[] { "Bob", "Cy" })]
    [InlineData("customFields.since.max=2021-06-14", new[] { "Ada" })]
    [InlineData("customFields.since.min=2020-01-01&customFields.since.max=2022-12-31&customFields.vip=false", new[] { "Bob" })]
    public async Task People_are_filtered_by_equality_for_every_type_and_by_ranges(string query, string[] expected)
    {
        var client = await PeopleAsync();

        var response = await client.GetAsync($"/api/v1/people?{query}", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, Names(await ReadJsonAsync(response), "firstName"));
    }

    [Fact]
    public async Task Companies_are_filtered_the_same_way()
    {
        var client = api.ClientFor(NewTenant());
        await DefineOneOfEachAsync(client, "company");
        await CreateCompanyAsync(client, new { name = "Small", customFields = new { score = 2, tier = "Bronze" } });
        await CreateCompanyAsync(client, new { name = "Large", customFields = new { score = 200, tier = "Gold", since = "2019-03-01" } });
        await CreateCompanyAsync(client, new { name = "None" });

        var byChoice = await ReadJsonAsync(await client.GetAsync("/api/v1/companies?customFields.tier=Gold", Token));
        var byRange = await ReadJsonAsync(await client.GetAsync("/api/v1/companies?customFields.score.min=1&customFields.score.max=100", Token));
        var withName = await ReadJsonAsync(await client.GetAsync("/api/v1/companies?name=large&customFields.since.max=2020-01-01", Token));

        Assert.Equal(["Large"], Names(byChoice, "name"));
        Assert.Equal(["Small"], Names(byRange, "name"));
        Assert.Equal(["Large"], Names(withName, "name"));
    }

    [Fact]
    public async Task A_filter_combines_with_keyset_paging()
    {
        var client = api.ClientFor(NewTenant());
        await DefineAsync(client, new { entity = "person", key = "score", label = "Score", type = "number" });
        for (var i = 1; i <= 7; i++)
        {
            await CreatePersonAsync(client, new { lastName = $"P{i}", customFields = new { score = i } });
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await ReadJsonAsync(await client.GetAsync(
                $"/api/v1/people?customFields.score.min=2&customFields.score.max=6&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", Token));
            seen.AddRange(Names(page, "lastName"));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(["P2", "P3", "P4", "P5", "P6"], seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("customFields.shoeSize=42", "customFields.shoeSize")]
    [InlineData("customFields.score=ten", "customFields.score")]
    [InlineData("customFields.score=1e3", "customFields.score")]
    [InlineData("customFields.score.min=9999999999999999", "customFields.score.min")]
    [InlineData("customFields.since=15/06/2021", "customFields.since")]
    [InlineData("customFields.since.max=2021-02-30", "customFields.since.max")]
    [InlineData("customFields.vip=yes", "customFields.vip")]
    [InlineData("customFields.tier=Iron", "customFields.tier")]
    [InlineData("customFields.tier.min=Gold", "customFields.tier.min")]
    [InlineData("customFields.nickname.max=z", "customFields.nickname.max")]
    [InlineData("customFields.score.above=3", "customFields.score.above")]
    [InlineData("customFields.score.min.max=3", "customFields.score.min.max")]
    [InlineData("customFields.score=1&customFields.score=2", "customFields.score")]
    [InlineData("customFields.nickname=", "customFields.nickname")]
    [InlineData("customFields.score.min=5&customFields.score.max=4", "customFields.score.min")]
    [InlineData("q=ada&customFields.vip=true", "customFields.vip")]
    public async Task An_invalid_filter_is_a_400_naming_the_parameter(string query, string parameter)
    {
        var client = await PeopleAsync();

        var response = await client.GetAsync($"/api/v1/people?{query}", Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(parameter, (await ErrorsAsync(response)).Keys);
    }

    [Fact]
    public async Task Another_tenants_field_and_values_are_invisible_to_filters()
    {
        var owner = await PeopleAsync();
        var stranger = api.ClientFor(NewTenant());
        await DefineAsync(stranger, new { entity = "person", key = "vip", label = "VIP", type = "boolean" });
        await CreatePersonAsync(stranger, new { lastName = "Stranger", firstName = "Zed", customFields = new { vip = true } });

        var theirs = await ReadJsonAsync(await stranger.GetAsync("/api/v1/people?customFields.vip=true", Token));
        var unknownToThem = await stranger.GetAsync("/api/v1/people?customFields.tier=Gold", Token);
        var mine = await ReadJsonAsync(await owner.GetAsync("/api/v1/people?customFields.vip=true", Token));

        Assert.Equal(["Zed"], Names(theirs, "firstName"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownToThem.StatusCode);
        Assert.Equal(["Ada", "Cy"], Names(mine, "firstName"));
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_stored_under_a_key_is_skipped_by_ranges_not_an_error()
    {
        var client = api.ClientFor(NewTenant());
        await DefineAsync(client, new { entity = "person", key = "score", label = "Score", type = "number" });
        await DefineAsync(client, new { entity = "person", key = "since", label = "Since", type = "date" });
        await CreatePersonAsync(client, new { lastName = "Typed", customFields = new { score = 5, since = "2020-01-01" } });
        var stray = await CreatePersonAsync(client, new { lastName = "Stray" });
        // What a patch racing a field's deletion could leave behind.
        await ExecuteAsync(
            """UPDATE people SET custom_fields = '{"score": "high", "since": "2020-13-99"}' WHERE id = $1""",
            stray.GetProperty("id").GetGuid());

        var numbers = await client.GetAsync("/api/v1/people?customFields.score.min=1", Token);
        var dates = await client.GetAsync("/api/v1/people?customFields.since.max=2030-01-01", Token);

        Assert.Equal(HttpStatusCode.OK, numbers.StatusCode);
        Assert.Equal(["Typed"], Names(await ReadJsonAsync(numbers), "lastName"));
        Assert.Equal(HttpStatusCode.OK, dates.StatusCode);
        Assert.Equal(["Typed"], Names(await ReadJsonAsync(dates), "lastName"));
    }

    [Fact]
    public async Task Equality_filters_are_answered_by_the_gin_index()
    {
        await using var connection = new Npgsql.NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new Npgsql.NpgsqlCommand(
            """
            SET enable_seqscan = off;
            EXPLAIN SELECT id FROM people WHERE custom_fields @> '{"vip": true}'::jsonb;
            """,
            connection);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(plan, line => line.Contains("ix_people_custom_fields", StringComparison.Ordinal));
    }

    /// <summary>A tenant with one field of each type and three people: Ada, Bob and Cy.</summary>
    private async Task<HttpClient> PeopleAsync()
    {
        var client = api.ClientFor(NewTenant());
        await DefineOneOfEachAsync(client, "person");
        await CreatePersonAsync(client, new { firstName = "Ada", lastName = "A", customFields = new { nickname = "Ace", score = 10, since = "2020-02-01", vip = true, tier = "Silver" } });
        await CreatePersonAsync(client, new { firstName = "Bob", lastName = "B", customFields = new { score = 250.5m, since = "2021-06-15", vip = false, tier = "Gold" } });
        await CreatePersonAsync(client, new { firstName = "Cy", lastName = "C", customFields = new { score = -3, since = "2024-12-31", vip = true, tier = "Gold" } });
        await CreatePersonAsync(client, new { firstName = "Dee", lastName = "D" });
        return client;
    }

    private async Task ExecuteAsync(string sql, Guid id)
    {
        await using var connection = new Npgsql.NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = id });
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Token));
    }

    private static string[] Names(JsonElement page, string property) =>
        [.. page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty(property).GetString()!)];
}
