using System.Net;
using CrmCloud.TestInfrastructure;
using Npgsql;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>
/// The words people are searched by (each tenant's vocabulary and who bears each word) follow every change of a
/// person, and a word leaves the vocabulary with the last person who bore it.
/// </summary>
public sealed class SearchWordsTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_renamed_person_is_found_by_the_new_name_and_no_longer_by_the_old()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var id = await CreateAsync(client, "Ottoline", "Quackenbush");
        Assert.Equal([id], await SearchAsync(client, "quakenbush"));

        var patched = await PatchAsync(client, $"/api/v1/people/{id}", """{ "lastName": "Featherstonehaugh" }""");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        Assert.Equal([id], await SearchAsync(client, "featherstonhaugh"));
        Assert.Empty(await SearchAsync(client, "quakenbush"));
        await Eventually.Until(async () => await VocabularyAsync(tenant, "quackenbush") == 0, Deadline, "the old name to leave the vocabulary");
        Assert.Equal(1, await VocabularyAsync(tenant, "ottoline"));
    }

    [Fact]
    public async Task An_erased_persons_words_leave_the_vocabulary_and_words_others_bear_stay()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var erased = await CreateAsync(client, "Zenobia", "Pettigrew", "zenobia.pettigrew@pettigrew-family.example");
        var stays = await CreateAsync(client, "Zenobia", "Mallory");
        var otherTenant = NewTenant();
        var theirs = await CreateAsync(api.ClientFor(otherTenant), "Zenobia", "Pettigrew");

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/people/{erased}/erase", null, Cancel)).StatusCode);

        Assert.Equal([stays], await SearchAsync(client, "zenobia"));
        Assert.Empty(await SearchAsync(client, "pettigrew"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM person_words WHERE person_id = $1", erased));
        foreach (var word in new[] { "pettigrew", "family" })
        {
            await Eventually.Until(async () => await VocabularyAsync(tenant, word) == 0, Deadline, $"'{word}' to leave the vocabulary");
        }

        Assert.Equal(1, await VocabularyAsync(tenant, "zenobia"));
        Assert.Equal(1, await VocabularyAsync(otherTenant, "pettigrew"));
        Assert.Equal([theirs], await SearchAsync(api.ClientFor(otherTenant), "pettigrew"));
    }

    [Fact]
    public async Task A_word_gained_by_a_transaction_still_running_when_the_sweep_removes_it_is_put_back()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var leaving = await CreateAsync(client, "Yolanda", "Brightwater");
        var renamed = await CreateAsync(client, "Horatio", "Smallbone");

        // The rename finds "brightwater" in the vocabulary and adds its bearer without touching the word; until it
        // commits, the sweep sees nobody bearing the word once Yolanda is erased.
        await using var connection = new NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync(Cancel);
        await using var transaction = await connection.BeginTransactionAsync(Cancel);
        await using (var rename = new NpgsqlCommand("UPDATE people SET last_name = 'Brightwater' WHERE id = $1", connection, transaction))
        {
            rename.Parameters.Add(new NpgsqlParameter { Value = renamed });
            Assert.Equal(1, await rename.ExecuteNonQueryAsync(Cancel));
        }

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/people/{leaving}/erase", null, Cancel)).StatusCode);
        await Eventually.Until(async () => await VocabularyAsync(tenant, "brightwater") == 0, Deadline, "the sweep to remove 'brightwater'");

        await transaction.CommitAsync(Cancel);

        await Eventually.Until(async () => await VocabularyAsync(tenant, "brightwater") == 1, Deadline, "the sweep to put 'brightwater' back");
        Assert.Equal([renamed], await SearchAsync(client, "brightwatr"));
        await Eventually.Until(async () => await VocabularyAsync(tenant, "smallbone") == 0, Deadline, "the old name to leave the vocabulary");
    }

    [Fact]
    public async Task Every_word_of_the_text_must_be_borne_and_the_closest_bearer_ranks_first()
    {
        var client = api.ClientFor(NewTenant());
        var ada = await CreateAsync(client, "Ada", "Quimby");
        var adam = await CreateAsync(client, "Adam", "Quimby");
        var other = await CreateAsync(client, "Ada", "Thistlewood");

        var found = await SearchAsync(client, "ada quimby");

        Assert.Equal([ada, adam], found);
        Assert.DoesNotContain(other, found);
    }

    private static async Task<Guid> CreateAsync(HttpClient client, string firstName, string lastName, string? email = null) =>
        (await CreatePersonAsync(client, new { firstName, lastName, email })).GetProperty("id").GetGuid();

    private static async Task<List<Guid>> SearchAsync(HttpClient client, string q)
    {
        var response = await client.GetAsync($"/api/v1/people?q={Uri.EscapeDataString(q)}", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ReadJsonAsync(response)).GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid())];
    }

    private Task<long> VocabularyAsync(string tenant, string word) =>
        CountAsync("SELECT count(*) FROM search_words WHERE tenant_id = $1 AND word = $2", tenant, word);

    private Task<long> CountAsync(string sql, params object[] parameters) => Database.CountAsync(api.DatabaseConnectionString, sql, parameters);
}
