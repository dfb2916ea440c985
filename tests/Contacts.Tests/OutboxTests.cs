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

    [Fact]
    public async Task Events_leave_while_requests_hold_every_connection_of_the_service_pool()
    {
        var client = api.ClientFor(NewTenant());
        var id = (await CreatePersonAsync(client, new { lastName = "Crowded" })).GetProperty("id").GetGuid();

        // A crowd of requests, each in its transaction: the service's pool has no connection left.
        await using var crowd = await HeldConnections.HoldAllAsync(api.Services, TestContext.Current.CancellationToken);

        // An event committed meanwhile (by another instance, say): the same person's ContactCreated again.
        var messageId = Guid.NewGuid();
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            """
            WITH written AS (
                INSERT INTO outbox_messages (message_id, message_type, occurred_at, payload, tenant_id, attempts)
                SELECT $1, message_type, now(), payload, tenant_id, 0 FROM outbox_messages
                WHERE message_type = 'CrmCloud.Contracts.Contacts.ContactCreated' AND payload->>'personId' = $2
                RETURNING 1)
            SELECT count(*) FROM written
            """,
            messageId, id.ToString()));

        // Well within the 15 s a connection of the shared pool would keep the dispatcher waiting for.
        await Eventually.Until(
            async () => await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_id = $1 AND sent_at IS NOT NULL", messageId) == 1,
            TimeSpan.FromSeconds(10),
            "the event to be published while the service's pool is exhausted");
    }

    private Task<long> CountEventsAsync(string type, Guid personId) =>
        Database.CountAsync(api.DatabaseConnectionString, EventsOfPerson, type, personId.ToString());
}
