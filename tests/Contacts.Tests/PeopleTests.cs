using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

public sealed class PeopleTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private readonly HttpClient _client = api.ClientFor(NewTenant());

    [Fact]
    public async Task Create_returns_201_with_location_etag_and_the_person()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/people", new { firstName = "Ada", lastName = "Lovelace", email = "ada@example.com" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var person = await ReadJsonAsync(response);
        var id = person.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/people/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal("Lovelace", person.GetProperty("lastName").GetString());
        Assert.Equal("ada@example.com", person.GetProperty("email").GetString());
        Assert.Equal(1, person.GetProperty("version").GetInt64());
        Assert.Equal(7, id.Version);
        Assert.EndsWith("Z", person.GetProperty("createdAt").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_returns_the_stored_person_with_its_etag()
    {
        var created = await CreatePersonAsync(_client, new { firstName = "Grace", lastName = "Hopper", phone = "+1 555 0100" });

        var response = await _client.GetAsync($"/api/v1/people/{created.GetProperty("id")}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var person = await ReadJsonAsync(response);
        Assert.Equal("Hopper", person.GetProperty("lastName").GetString());
        Assert.Equal("+1 555 0100", person.GetProperty("phone").GetString());
        Assert.False(person.TryGetProperty("email", out _), "An absent value is left out, not written as null.");
    }

    [Fact]
    public async Task A_caller_supplied_id_is_kept_and_reusing_it_is_a_conflict()
    {
        var id = Guid.CreateVersion7();
        var first = await _client.PostAsJsonAsync("/api/v1/people", new { id, lastName = "Imported" }, TestContext.Current.CancellationToken);
        var second = await _client.PostAsJsonAsync("/api/v1/people", new { id, lastName = "Imported again" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(id, (await ReadJsonAsync(first)).GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task List_pages_through_everyone_once_with_a_cursor()
    {
        var client = api.ClientFor(NewTenant());
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await CreatePersonAsync(client, new { lastName = $"Person {i}" })).GetProperty("id").GetGuid());
        }

        var seen = new List<Guid>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var url = cursor is null ? "/api/v1/people?limit=2" : $"/api/v1/people?limit=2&cursor={cursor}";
            var page = await ReadJsonAsync(await client.GetAsync(url, TestContext.Current.CancellationToken));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid()));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task Paging_while_others_insert_gives_everyone_who_was_there_once_and_repeats_no_one()
    {
        var client = api.ClientFor(NewTenant());
        var before = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            before.Add((await CreatePersonAsync(client, new { lastName = $"Before {i}" })).GetProperty("id").GetGuid());
        }

        var seen = new List<Guid>();
        string? cursor = null;
        var page = 0;
        do
        {
            var url = cursor is null ? "/api/v1/people?limit=2" : $"/api/v1/people?limit=2&cursor={cursor}";
            // Inserts race the read of each page.
            var insert = CreatePersonAsync(client, new { lastName = $"During {page}" });
            var read = ReadJsonAsync(await client.GetAsync(url, TestContext.Current.CancellationToken));
            await insert;
            var items = (await read).GetProperty("items");
            seen.AddRange(items.EnumerateArray().Select(item => item.GetProperty("id").GetGuid()));
            cursor = (await read).TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            page++;
        }
        while (cursor is not null && page < 50);

        Assert.Null(cursor);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(before, seen.Take(before.Count));
    }

    [Fact]
    public async Task Of_concurrent_patches_with_the_same_if_match_exactly_one_wins()
    {
        var person = await CreatePersonAsync(_client, new { lastName = "Contended" });
        var id = person.GetProperty("id").GetGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => PatchAsync(id, $$"""{"jobTitle":"Writer {{i}}"}""", "application/json", ifMatch: "\"1\"")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        var stored = await ReadJsonAsync(await _client.GetAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken));
        Assert.Equal(2, stored.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Patch_changes_only_the_named_fields_and_null_clears_one()
    {
        var created = await CreatePersonAsync(_client, new { firstName = "Alan", lastName = "Turing", email = "alan@example.com", jobTitle = "Mathematician" });
        var id = created.GetProperty("id").GetGuid();

        var response = await PatchAsync(id, """{ "jobTitle": "Cryptanalyst", "email": null }""", "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var person = await ReadJsonAsync(response);
        Assert.Equal("Cryptanalyst", person.GetProperty("jobTitle").GetString());
        Assert.Equal("Turing", person.GetProperty("lastName").GetString());
        Assert.Equal("Alan", person.GetProperty("firstName").GetString());
        Assert.False(person.TryGetProperty("email", out _));
        Assert.Equal(2, person.GetProperty("version").GetInt64());
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Patch_accepts_plain_json_and_a_matching_if_match()
    {
        var id = (await CreatePersonAsync(_client, new { lastName = "Hamilton" })).GetProperty("id").GetGuid();

        var response = await PatchAsync(id, """{ "firstName": "Margaret" }""", "application/json", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Margaret", (await ReadJsonAsync(response)).GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task Stale_if_match_is_rejected_with_412_and_changes_nothing()
    {
        var id = (await CreatePersonAsync(_client, new { lastName = "Shannon" })).GetProperty("id").GetGuid();
        await PatchAsync(id, """{ "firstName": "Claude" }""", "application/json");

        var stalePatch = await PatchAsync(id, """{ "firstName": "Stale" }""", "application/json", ifMatch: "\"1\"");
        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/people/{id}");
        staleDelete.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var deleteResponse = await _client.SendAsync(staleDelete, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.PreconditionFailed, stalePatch.StatusCode);
        Assert.Equal("application/problem+json", stalePatch.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.PreconditionFailed, deleteResponse.StatusCode);
        var person = await ReadJsonAsync(await _client.GetAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken));
        Assert.Equal("Claude", person.GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task Delete_removes_the_person()
    {
        var id = (await CreatePersonAsync(_client, new { lastName = "Noether" })).GetProperty("id").GetGuid();

        var delete = await _client.DeleteAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken);
        var get = await _client.GetAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken);
        var again = await _client.DeleteAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    private async Task<HttpResponseMessage> PatchAsync(Guid id, string json, string contentType, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/people/{id}")
        {
            Content = new StringContent(json, Encoding.UTF8, contentType),
        };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(ifMatch));
        }

        return await _client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
