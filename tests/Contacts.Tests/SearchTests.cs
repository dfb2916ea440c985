using System.Net;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary><c>?q=</c> on people and companies: typo-tolerant, ranked, tenant-scoped, paged by (rank, id).</summary>
public sealed class SearchTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Katherin Jonson", "Katherine Johnson")]
    [InlineData("katherine johnson", "Katherine Johnson")]
    [InlineData("lovlace", "Ada Lovelace")]
    [InlineData("ada@exampel.com", "Ada Lovelace")]
    [InlineData("Margret Hamilton", "Margaret Hamilton")]
    [InlineData("dijkstra", "Edsger Dijkstra")]
    [InlineData("7946", "Ada Lovelace")]
    [InlineData("(617) 555", "Margaret Hamilton")]
    public async Task A_misspelt_or_partial_query_finds_the_intended_person_first(string q, string expected)
    {
        var people = await SeedAsync(Client);

        var found = await SearchPeopleAsync(Client, q);

        Assert.NotEmpty(found);
        Assert.Equal(people[expected], found[0]);
    }

    [Fact]
    public async Task Similar_names_rank_below_the_closest_one()
    {
        var people = await SeedAsync(Client);

        var found = await SearchPeopleAsync(Client, "Katherin Jonson");

        Assert.Equal(people["Katherine Johnson"], found[0]);
        Assert.DoesNotContain(people["Ada Lovelace"], found);
        Assert.DoesNotContain(people["Grace Hopper"], found);
    }

    [Fact]
    public async Task A_phone_fragment_matches_digits_only_and_not_other_numbers()
    {
        var people = await SeedAsync(Client);

        var found = await SearchPeopleAsync(Client, "7946 0000");

        Assert.Equal([people["Ada Lovelace"]], found);
    }

    [Fact]
    public async Task A_company_name_finds_the_people_of_that_company_first()
    {
        var people = await SeedAsync(Client);

        var found = await SearchPeopleAsync(Client, "acme");

        Assert.True(found.Count >= 2);
        Assert.Equal(
            new HashSet<Guid> { people["Grace Hopper"], people["Alan Turing"] },
            found.Take(2).ToHashSet());
    }

    [Fact]
    public async Task A_query_matching_nothing_gives_an_empty_page()
    {
        await SeedAsync(Client);

        var response = await Client.GetAsync("/api/v1/people?q=zqxjv%20wkpfy", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await ReadJsonAsync(response);
        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.False(page.TryGetProperty("nextCursor", out _));
    }

    [Fact]
    public async Task Another_tenants_people_and_companies_never_appear()
    {
        var mine = await SeedAsync(Client);
        var otherClient = api.ClientFor(NewTenant());
        var theirs = await SeedAsync(otherClient);

        foreach (var q in new[] { "katherine johnson", "acme", "7946", "example" })
        {
            var found = await SearchPeopleAsync(Client, q);
            var foundByThem = await SearchPeopleAsync(otherClient, q);

            Assert.NotEmpty(found);
            Assert.All(found, id => Assert.Contains(id, mine.Values));
            Assert.All(foundByThem, id => Assert.Contains(id, theirs.Values));
        }

        var companies = await SearchAsync(Client, "/api/v1/companies", "acme");
        var theirCompanies = await SearchAsync(otherClient, "/api/v1/companies", "acme");
        Assert.Single(companies);
        Assert.Single(theirCompanies);
        Assert.NotEqual(companies[0], theirCompanies[0]);
    }

    [Fact]
    public async Task The_search_itself_is_tenant_scoped_so_pages_stay_full()
    {
        // The other tenant's namesakes come first in id order: were the search statement not scoped to the tenant,
        // they would take the one slot of the page and leave it empty.
        var otherClient = api.ClientFor(NewTenant());
        for (var i = 0; i < 3; i++)
        {
            await CreatePersonAsync(otherClient, new { firstName = "Katherine", lastName = "Johnson" });
        }

        var mine = (await CreatePersonAsync(Client, new { firstName = "Katherine", lastName = "Johnson" })).GetProperty("id").GetGuid();

        var page = await ReadJsonAsync(await Client.GetAsync("/api/v1/people?q=katherine%20johnson&limit=1", Cancel));

        Assert.Equal([mine], page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid()));
        Assert.False(page.TryGetProperty("nextCursor", out _));
    }

    [Theory]
    [InlineData("/api/v1/people?q=a", "q")]
    [InlineData("/api/v1/people?q=%20%20a%20", "q")]
    [InlineData("/api/v1/people?q=", "q")]
    [InlineData("/api/v1/companies?q=x", "q")]
    [InlineData("/api/v1/people?q=ada&limit=0", "limit")]
    [InlineData("/api/v1/people?q=ada&cursor=not-a-cursor", "cursor")]
    public async Task Invalid_search_input_is_a_400_naming_the_parameter(string path, string field)
    {
        var response = await Client.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_query_over_200_characters_is_a_400_naming_q()
    {
        var response = await Client.GetAsync($"/api/v1/people?q={new string('a', 201)}", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty("errors").TryGetProperty("q", out _));
    }

    [Fact]
    public async Task Paging_through_a_ranked_result_gives_every_match_once_in_rank_order()
    {
        await SeedAsync(Client);
        var all = await SearchPeopleAsync(Client, "example", limit: 200);
        Assert.True(all.Count >= 8, $"Expected most seeded emails to match, got {all.Count}.");

        var paged = await PageThroughAsync("example", 3);

        Assert.Equal(paged.Count, paged.Distinct().Count());
        Assert.Equal(all, paged);
    }

    [Fact]
    public async Task Paging_through_a_company_match_gives_its_people_once_after_those_named_like_it()
    {
        var company = (await CreateCompanyAsync(Client, new { name = "Kingfisher", domain = "kingfisher.example" })).GetProperty("id").GetGuid();
        var staff = new List<Guid>();
        foreach (var name in new[] { "Pat", "Sam", "Kim", "Lou", "Max" })
        {
            staff.Add((await CreatePersonAsync(Client, new { firstName = name, lastName = "Staff", companyId = company })).GetProperty("id").GetGuid());
        }

        var namedAndEmployed = (await CreatePersonAsync(Client, new { firstName = "Ada", lastName = "Kingfisher", companyId = company })).GetProperty("id").GetGuid();
        var named = (await CreatePersonAsync(Client, new { firstName = "Bob", lastName = "Kingfisher" })).GetProperty("id").GetGuid();

        var all = await SearchPeopleAsync(Client, "kingfisher");
        var paged = await PageThroughAsync("kingfisher", 2);

        Assert.Equal([.. new[] { namedAndEmployed, named }.Order(), .. staff.Order()], all);
        Assert.Equal(all, paged);
    }

    [Fact]
    public async Task A_name_borne_by_many_pages_through_its_closest_bearers_in_id_order()
    {
        async Task<Guid> Create(string first, string last, string? email = null) =>
            (await CreatePersonAsync(Client, new { firstName = first, lastName = last, email })).GetProperty("id").GetGuid();
        var close = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            close.Add(await Create("Ann", "Marlow"));
        }

        var exact = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            exact.Add(await Create("Bea", "Marlowe"));
        }

        // Found as "Marlowe" by the email only, and last among the exact bearers in id order.
        var both = await Create("Cy", "Marlow", "cy.marlowe@mail.example");

        List<Guid> expected = [.. exact, both, .. close];
        var paged = await PageThroughAsync("marlowe", 2);

        Assert.Equal(expected, await SearchPeopleAsync(Client, "marlowe"));
        Assert.Equal(expected, paged);
    }

    [Fact]
    public async Task A_list_cursor_is_not_a_search_cursor()
    {
        await SeedAsync(Client);
        var list = await ReadJsonAsync(await Client.GetAsync("/api/v1/people?limit=1", Cancel));
        var listCursor = list.GetProperty("nextCursor").GetString();

        var response = await Client.GetAsync($"/api/v1/people?q=ada&cursor={listCursor}", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty("errors").TryGetProperty("cursor", out _));
    }

    [Fact]
    public async Task Without_q_the_list_is_the_plain_list()
    {
        var people = await SeedAsync(Client);

        var page = await ReadJsonAsync(await Client.GetAsync("/api/v1/people?limit=200", Cancel));
        var ids = page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid()).ToList();

        Assert.Equal(people.Values.ToHashSet(), ids.ToHashSet());
    }

    [Theory]
    [InlineData("acme crop", "Acme Corp")]
    [InlineData("globx", "Globex")]
    [InlineData("initech.example", "Initech")]
    public async Task Companies_are_found_by_misspelt_name_or_domain(string q, string expected)
    {
        var companies = await SeedCompaniesAsync(Client);

        var found = await SearchAsync(Client, "/api/v1/companies", q);

        Assert.NotEmpty(found);
        Assert.Equal(companies[expected], found[0]);
    }

    /// <summary>Every page of a people search of <paramref name="limit"/> rows, following nextCursor; each page holds 1 to limit rows.</summary>
    private async Task<List<Guid>> PageThroughAsync(string q, int limit)
    {
        var paged = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var response = await Client.GetAsync($"/api/v1/people?q={Uri.EscapeDataString(q)}&limit={limit}{(cursor is null ? "" : $"&cursor={cursor}")}", Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await ReadJsonAsync(response);
            var items = page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid()).ToList();
            Assert.InRange(items.Count, 1, limit);
            paged.AddRange(items);
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null && pages < 20);

        return paged;
    }

    private static async Task<List<Guid>> SearchPeopleAsync(HttpClient client, string q, int limit = 50) =>
        await SearchAsync(client, "/api/v1/people", q, limit);

    private static async Task<List<Guid>> SearchAsync(HttpClient client, string path, string q, int limit = 50)
    {
        var response = await client.GetAsync($"{path}?q={Uri.EscapeDataString(q)}&limit={limit}", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await ReadJsonAsync(response);
        return [.. page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid())];
    }

    private static async Task<Dictionary<string, Guid>> SeedCompaniesAsync(HttpClient client)
    {
        var companies = new Dictionary<string, Guid>();
        foreach (var (name, domain) in new[] { ("Acme Corp", "acme.example"), ("Globex", "globex.example"), ("Initech", "initech.example"), ("Umbrella", "umbrella.example") })
        {
            companies[name] = (await CreateCompanyAsync(client, new { name, domain })).GetProperty("id").GetGuid();
        }

        return companies;
    }

    /// <summary>Twelve people, several with similar names, some at companies, some with phones; keyed by "first last".</summary>
    private static async Task<Dictionary<string, Guid>> SeedAsync(HttpClient client)
    {
        var companies = await SeedCompaniesAsync(client);
        var people = new (string First, string Last, string? Email, string? Phone, string? Company)[]
        {
            ("Katherine", "Johnson", "katherine.johnson@nasa.example", null, null),
            ("Catherine", "Johnston", "cjohnston@initech.example", null, "Initech"),
            ("Kathryn", "Jones", "kathryn@jones.example", "+1 202 555 0143", null),
            ("Kate", "Johansson", null, null, "Umbrella"),
            ("Ada", "Lovelace", "ada@example.com", "+44 20 7946 0000", null),
            ("Adam", "Lovell", "adam.lovell@example.net", "+44 20 7123 4567", null),
            ("Grace", "Hopper", "grace@navy.example", null, "Acme Corp"),
            ("Alan", "Turing", "alan@bletchley.example", null, "Acme Corp"),
            ("Margaret", "Hamilton", "margaret@globex.example", "+1 (617) 555-0199", "Globex"),
            ("Linus", "Torvalds", "linus@kernel.example", null, null),
            ("Barbara", "Liskov", "barbara@initech.example", null, "Initech"),
            ("Edsger", "Dijkstra", "edsger@globex.example", null, "Globex"),
        };

        var ids = new Dictionary<string, Guid>();
        foreach (var (first, last, email, phone, company) in people)
        {
            var created = await CreatePersonAsync(client, new
            {
                firstName = first,
                lastName = last,
                email,
                phone,
                companyId = company is null ? (Guid?)null : companies[company],
            });
            ids[$"{first} {last}"] = created.GetProperty("id").GetGuid();
        }

        return ids;
    }
}
