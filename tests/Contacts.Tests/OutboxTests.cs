using System.Net.Http.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

public sealed class OutboxTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private const string EventsOfPerson = "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'personId' = $2";

    [Fact]
    public async Task Each_change_writes_its_event_with_the_person_in_one_transaction()
    {
        var client = api.ClientFor(NewTenant());
        var id = (await CreatePersonAsync(client, new { lastName = "Evented" })).GetProperty("id").GetGuid();
        using var patch = new StringContent("""{ "firstName": "Eve" }""", System.Text.Encoding.UTF8, "application/json");
        await client.PatchAsync($"/api/v1/people/{id}", patch, TestContext.Current.CancellationToken);
        await client.DeleteAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken);

        Assert.Equal(1, await CountEventsAsync("CrmCloud.Contracts.Contacts.ContactCreated", id));
        Assert.Equal(1, await CountEventsAsync("CrmCloud.Contracts.Contacts.ContactUpdated", id));
        Assert.Equal(1, await CountEventsAsync("CrmCloud.Contracts.Contacts.ContactDeleted", id));
    }

    [Fact]
    public async Task A_create_that_fails_leaves_no_event_behind()
    {
        var client = api.ClientFor(NewTenant());
        var id = Guid.CreateVersion7();
        await CreatePersonAsync(client, new { id, lastName = "First" });

        var duplicate = await client.PostAsJsonAsync("/api/v1/people", new { id, lastName = "Second" }, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(1, await CountEventsAsync("CrmCloud.Contracts.Contacts.ContactCreated", id));
    }

    [Fact]
    public async Task The_dispatcher_publishes_every_event_and_marks_it_sent()
    {
        var client = api.ClientFor(NewTenant());
        var id = (await CreatePersonAsync(client, new { lastName = "Dispatched" })).GetProperty("id").GetGuid();

        await Eventually.Until(
            async () => await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE payload->>'personId' = $1 AND sent_at IS NOT NULL", id.ToString()) == 1,
            TimeSpan.FromSeconds(30),
            "the ContactCreated outbox row to be confirmed by the broker");
    }

    private Task<long> CountEventsAsync(string type, Guid personId) =>
        Database.CountAsync(api.DatabaseConnectionString, EventsOfPerson, type, personId.ToString());
}
