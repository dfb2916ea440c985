using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>People working for companies, companies under parents: references stay within the tenant and never loop.</summary>
public sealed class CompanyLinkTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    [Fact]
    public async Task Another_tenant_cannot_see_change_delete_or_list_the_people_of_a_company()
    {
        var stranger = api.ClientFor(NewTenant());
        var id = (await CreateCompanyAsync(Client, new { name = "Private Co" })).GetProperty("id").GetGuid();
        var token = TestContext.Current.CancellationToken;

        var get = await stranger.GetAsync($"/api/v1/companies/{id}", token);
        var patch = await PatchAsync(stranger, $"/api/v1/companies/{id}", """{ "name": "Taken" }""");
        var delete = await stranger.DeleteAsync($"/api/v1/companies/{id}", token);
        var people = await stranger.GetAsync($"/api/v1/companies/{id}/people", token);
        var list = await ReadJsonAsync(await stranger.GetAsync("/api/v1/companies", token));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, people.StatusCode);
        Assert.Equal("application/problem+json", people.Content.Headers.ContentType?.MediaType);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        var mine = await ReadJsonAsync(await Client.GetAsync($"/api/v1/companies/{id}", token));
        Assert.Equal("Private Co", mine.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Another_tenants_company_cannot_be_a_parent_or_a_persons_company_and_reads_as_missing()
    {
        var strangerTenant = NewTenant();
        var stranger = api.ClientFor(strangerTenant);
        var theirs = (await CreateCompanyAsync(Client, new { name = "Not Yours" })).GetProperty("id").GetGuid();
        var missing = Guid.CreateVersion7();
        var token = TestContext.Current.CancellationToken;

        var company = await stranger.PostAsJsonAsync("/api/v1/companies", new { name = "Child", parentCompanyId = theirs }, token);
        var person = await stranger.PostAsJsonAsync("/api/v1/people", new { lastName = "Employee", companyId = theirs }, token);
        var unknown = await stranger.PostAsJsonAsync("/api/v1/companies", new { name = "Child", parentCompanyId = missing }, token);

        var parentError = (await AssertValidationProblemAsync(company)).GetProperty("parentCompanyId").ToString();
        var companyError = (await AssertValidationProblemAsync(person)).GetProperty("companyId").ToString();
        var unknownError = (await AssertValidationProblemAsync(unknown)).GetProperty("parentCompanyId").ToString();
        Assert.Equal(unknownError.Replace(missing.ToString(), "{id}", StringComparison.Ordinal), parentError.Replace(theirs.ToString(), "{id}", StringComparison.Ordinal));
        Assert.Contains(theirs.ToString(), companyError, StringComparison.Ordinal);
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM companies WHERE tenant_id = $1", strangerTenant));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", strangerTenant));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1", strangerTenant));
    }

    [Fact]
    public async Task Another_tenants_company_cannot_be_patched_in_as_a_parent_or_a_persons_company()
    {
        var stranger = api.ClientFor(NewTenant());
        var theirs = (await CreateCompanyAsync(Client, new { name = "Not Yours" })).GetProperty("id").GetGuid();
        var ownCompany = (await CreateCompanyAsync(stranger, new { name = "Own" })).GetProperty("id").GetGuid();
        var ownPerson = (await CreatePersonAsync(stranger, new { lastName = "Own" })).GetProperty("id").GetGuid();

        var company = await PatchAsync(stranger, $"/api/v1/companies/{ownCompany}", $$"""{ "parentCompanyId": "{{theirs}}" }""");
        var person = await PatchAsync(stranger, $"/api/v1/people/{ownPerson}", $$"""{ "companyId": "{{theirs}}" }""");

        Assert.True((await AssertValidationProblemAsync(company)).TryGetProperty("parentCompanyId", out _));
        Assert.True((await AssertValidationProblemAsync(person)).TryGetProperty("companyId", out _));
        var stored = await ReadJsonAsync(await stranger.GetAsync($"/api/v1/people/{ownPerson}", TestContext.Current.CancellationToken));
        Assert.False(stored.TryGetProperty("companyId", out _));
        Assert.Equal(1, stored.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_company_cannot_become_its_own_parent_or_ancestor()
    {
        var top = (await CreateCompanyAsync(Client, new { name = "Top" })).GetProperty("id").GetGuid();
        var middle = (await CreateCompanyAsync(Client, new { name = "Middle", parentCompanyId = top })).GetProperty("id").GetGuid();
        var bottom = (await CreateCompanyAsync(Client, new { name = "Bottom", parentCompanyId = middle })).GetProperty("id").GetGuid();
        var selfId = Guid.CreateVersion7();

        var loop = await PatchAsync(Client, $"/api/v1/companies/{top}", $$"""{ "parentCompanyId": "{{bottom}}" }""");
        var self = await PatchAsync(Client, $"/api/v1/companies/{middle}", $$"""{ "parentCompanyId": "{{middle}}" }""");
        var selfOnCreate = await Client.PostAsJsonAsync("/api/v1/companies", new { id = selfId, name = "Self", parentCompanyId = selfId }, TestContext.Current.CancellationToken);
        var moved = await PatchAsync(Client, $"/api/v1/companies/{bottom}", $$"""{ "parentCompanyId": "{{top}}" }""");

        Assert.True((await AssertValidationProblemAsync(loop)).TryGetProperty("parentCompanyId", out _));
        Assert.True((await AssertValidationProblemAsync(self)).TryGetProperty("parentCompanyId", out _));
        Assert.True((await AssertValidationProblemAsync(selfOnCreate)).TryGetProperty("parentCompanyId", out _));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var stored = await ReadJsonAsync(await Client.GetAsync($"/api/v1/companies/{top}", TestContext.Current.CancellationToken));
        Assert.False(stored.TryGetProperty("parentCompanyId", out _));
    }

    [Fact]
    public async Task Delete_is_refused_with_409_while_a_person_or_a_child_company_links_to_it()
    {
        var company = (await CreateCompanyAsync(Client, new { name = "Employer" })).GetProperty("id").GetGuid();
        var person = (await CreatePersonAsync(Client, new { lastName = "Worker", companyId = company })).GetProperty("id").GetGuid();
        var token = TestContext.Current.CancellationToken;

        var whilePerson = await Client.DeleteAsync($"/api/v1/companies/{company}", token);
        await PatchAsync(Client, $"/api/v1/people/{person}", """{ "companyId": null }""");
        var child = (await CreateCompanyAsync(Client, new { name = "Subsidiary", parentCompanyId = company })).GetProperty("id").GetGuid();
        var whileChild = await Client.DeleteAsync($"/api/v1/companies/{company}", token);
        await Client.DeleteAsync($"/api/v1/companies/{child}", token);
        var unlinked = await Client.DeleteAsync($"/api/v1/companies/{company}", token);

        Assert.Equal(HttpStatusCode.Conflict, whilePerson.StatusCode);
        Assert.Equal("application/problem+json", whilePerson.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Conflict, whileChild.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, unlinked.StatusCode);
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Contacts.CompanyDeleted' AND payload->>'companyId' = $1",
            company.ToString()));
    }

    [Fact]
    public async Task A_companys_people_list_pages_through_its_people_only()
    {
        var company = (await CreateCompanyAsync(Client, new { name = "Staffed" })).GetProperty("id").GetGuid();
        var other = (await CreateCompanyAsync(Client, new { name = "Elsewhere" })).GetProperty("id").GetGuid();
        var staff = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            staff.Add((await CreatePersonAsync(Client, new { lastName = $"Staff {i}", companyId = company })).GetProperty("id").GetGuid());
            await CreatePersonAsync(Client, new { lastName = $"Other {i}", companyId = other });
        }

        await CreatePersonAsync(Client, new { lastName = "Freelancer" });

        var seen = new List<Guid>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var url = $"/api/v1/companies/{company}/people?limit=2" + (cursor is null ? "" : $"&cursor={cursor}");
            var response = await Client.GetAsync(url, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await ReadJsonAsync(response);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid()));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(staff, seen);
    }

    [Fact]
    public async Task The_people_list_of_an_unknown_company_is_a_404_problem()
    {
        var response = await Client.GetAsync($"/api/v1/companies/{Guid.CreateVersion7()}/people", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Linking_a_person_to_a_company_shows_in_the_person_and_in_ContactUpdated()
    {
        var company = (await CreateCompanyAsync(Client, new { name = "Hiring" })).GetProperty("id").GetGuid();
        var person = (await CreatePersonAsync(Client, new { lastName = "Newcomer" })).GetProperty("id").GetGuid();

        var response = await PatchAsync(Client, $"/api/v1/people/{person}", $$"""{ "companyId": "{{company}}" }""", "application/json", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(company, (await ReadJsonAsync(response)).GetProperty("companyId").GetGuid());
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Contacts.ContactUpdated' AND payload->>'personId' = $1 AND payload->'contact'->>'companyId' = $2",
            person.ToString(),
            company.ToString()));
    }

    [Fact]
    public async Task A_person_created_with_a_company_carries_it_in_ContactCreated()
    {
        var company = (await CreateCompanyAsync(Client, new { name = "Founding" })).GetProperty("id").GetGuid();

        var person = await CreatePersonAsync(Client, new { lastName = "Founder", companyId = company });

        var id = person.GetProperty("id").GetGuid();
        Assert.Equal(company, person.GetProperty("companyId").GetGuid());
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Contacts.ContactCreated' AND payload->>'personId' = $1 AND payload->'contact'->>'companyId' = $2",
            id.ToString(),
            company.ToString()));
    }

    [Fact]
    public async Task An_unknown_company_is_refused_by_name_and_nothing_is_written()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/people", new { lastName = "Orphan", companyId = Guid.CreateVersion7() }, TestContext.Current.CancellationToken);

        Assert.True((await AssertValidationProblemAsync(response)).TryGetProperty("companyId", out _));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", _tenant));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1", _tenant));
    }

    private static async Task<JsonElement> AssertValidationProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await ReadJsonAsync(response)).GetProperty("errors");
    }
}
