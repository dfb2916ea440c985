using System.Net;
using System.Text.Json;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary><c>GET /api/v1/people/{id}/duplicates</c>: same email, same phone digits, similar name at the same company.</summary>
public sealed class DuplicatesTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_email_in_another_case_is_a_duplicate()
    {
        var ada = await CreateAsync(Client, new { firstName = "Ada", lastName = "Lovelace", email = "ada@example.com" });
        var other = await CreateAsync(Client, new { firstName = "Augusta", lastName = "King", email = "ADA@Example.COM" });

        var items = await DuplicatesAsync(ada);

        var item = Assert.Single(items);
        Assert.Equal(other, Id(item.GetProperty("person")));
        Assert.Equal(1.0, item.GetProperty("score").GetDouble());
        Assert.Equal(["same-email"], Reasons(item));
    }

    [Fact]
    public async Task A_create_asked_to_reject_duplicates_is_refused_with_them_and_stores_nothing()
    {
        var ada = await CreateAsync(Client, new { firstName = "Ada", lastName = "Lovelace", email = "ada@reject.example.com" });

        var refused = await Client.PostAsync("/api/v1/people?onDuplicate=reject", Json(new { lastName = "King", email = "ADA@reject.example.com" }), Cancel);
        var allowed = await Client.PostAsync("/api/v1/people", Json(new { lastName = "King", email = "ada@reject.example.com" }), Cancel);
        var unique = await Client.PostAsync("/api/v1/people?onDuplicate=reject", Json(new { lastName = "Unique", email = "someone@else.example.com" }), Cancel);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var duplicate = Assert.Single((await ReadJsonAsync(refused)).GetProperty("duplicates").EnumerateArray());
        Assert.Equal(ada, duplicate.GetProperty("id").GetGuid());
        Assert.Equal(["same-email"], duplicate.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, unique.StatusCode);
        Assert.Equal(3, (await ReadJsonAsync(await Client.GetAsync("/api/v1/people", Cancel))).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task An_unknown_duplicate_policy_is_refused_naming_it()
    {
        var response = await Client.PostAsync("/api/v1/people?onDuplicate=merge", Json(new { lastName = "Policy" }), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty("errors").TryGetProperty("onDuplicate", out _));
    }

    private static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task The_same_phone_formatted_differently_is_a_duplicate()
    {
        var grace = await CreateAsync(Client, new { firstName = "Grace", lastName = "Hopper", phone = "+1 (617) 555-0123" });
        var other = await CreateAsync(Client, new { firstName = "G.", lastName = "Murray", phone = "1-617-555.0123" });

        var items = await DuplicatesAsync(grace);

        var item = Assert.Single(items);
        Assert.Equal(other, Id(item.GetProperty("person")));
        Assert.Equal(0.9, item.GetProperty("score").GetDouble(), 6);
        Assert.Equal(["same-phone"], Reasons(item));
    }

    [Fact]
    public async Task A_similar_name_is_a_duplicate_at_the_same_company_only()
    {
        var acme = Id(await CreateCompanyAsync(Client, new { name = "Acme" }));
        var globex = Id(await CreateCompanyAsync(Client, new { name = "Globex" }));
        var jon = await CreateAsync(Client, new { firstName = "Jon", lastName = "Smith", companyId = acme });
        var john = await CreateAsync(Client, new { firstName = "John", lastName = "Smith", companyId = acme });
        var elsewhere = await CreateAsync(Client, new { firstName = "John", lastName = "Smith", companyId = globex });

        var items = await DuplicatesAsync(jon);

        var item = Assert.Single(items);
        Assert.Equal(john, Id(item.GetProperty("person")));
        Assert.Equal(["similar-name-same-company"], Reasons(item));
        Assert.InRange(item.GetProperty("score").GetDouble(), 0.6 * 0.8, 0.8);
        Assert.DoesNotContain(items, i => Id(i.GetProperty("person")) == elsewhere);
    }

    [Fact]
    public async Task Several_rules_give_one_item_with_every_reason_and_the_highest_score_strongest_first()
    {
        var acme = Id(await CreateCompanyAsync(Client, new { name = "Acme" }));
        var ada = await CreateAsync(Client, new { firstName = "Ada", lastName = "Lovelace", email = "ada@example.com", phone = "+44 20 7946 0000", companyId = acme });
        var both = await CreateAsync(Client, new { firstName = "Ada", lastName = "Lovelace", email = "Ada@example.com", phone = "+44-20-7946-0000", companyId = acme });
        var phoneOnly = await CreateAsync(Client, new { firstName = "Someone", lastName = "Else", phone = "(44) 20-7946-0000" });

        var items = await DuplicatesAsync(ada);

        Assert.Equal([both, phoneOnly], items.Select(i => Id(i.GetProperty("person"))));
        Assert.Equal(1.0, items[0].GetProperty("score").GetDouble());
        Assert.Equal(["same-email", "same-phone", "similar-name-same-company"], Reasons(items[0]));
        Assert.Equal(["same-phone"], Reasons(items[1]));
    }

    [Fact]
    public async Task Unrelated_people_and_the_person_itself_are_never_listed()
    {
        var ada = await CreateAsync(Client, new { firstName = "Ada", lastName = "Lovelace", email = "ada@example.com", phone = "+44 20 7946 0000" });
        await CreateAsync(Client, new { firstName = "Alan", lastName = "Turing", email = "alan@example.com", phone = "+44 20 7946 1111" });

        Assert.Empty(await DuplicatesAsync(ada));
    }

    [Fact]
    public async Task Short_phones_do_not_count()
    {
        var ada = await CreateAsync(Client, new { firstName = "Ada", lastName = "Lovelace", phone = "12345" });
        await CreateAsync(Client, new { firstName = "Alan", lastName = "Turing", phone = "1-2345" });

        Assert.Empty(await DuplicatesAsync(ada));
    }

    [Fact]
    public async Task Another_tenants_person_with_the_same_email_is_never_listed()
    {
        var otherClient = api.ClientFor(NewTenant());
        var theirs = await CreateAsync(otherClient, new { firstName = "Ada", lastName = "Lovelace", email = "ada@example.com" });
        var ada = await CreateAsync(Client, new { firstName = "Ada", lastName = "Lovelace", email = "ada@example.com" });

        Assert.Empty(await DuplicatesAsync(ada));

        var response = await Client.GetAsync($"/api/v1/people/{theirs}/duplicates", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_person_is_a_404_problem()
    {
        var response = await Client.GetAsync($"/api/v1/people/{Guid.NewGuid()}/duplicates", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<Guid> CreateAsync(HttpClient client, object person) => Id(await CreatePersonAsync(client, person));

    private static Guid Id(JsonElement resource) => resource.GetProperty("id").GetGuid();

    private static string[] Reasons(JsonElement item) =>
        [.. item.GetProperty("reasons").EnumerateArray().Select(reason => reason.GetString()!)];

    private async Task<List<JsonElement>> DuplicatesAsync(Guid id)
    {
        var response = await Client.GetAsync($"/api/v1/people/{id}/duplicates", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ReadJsonAsync(response)).GetProperty("items").EnumerateArray()];
    }
}
