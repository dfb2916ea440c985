using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Support.Tests;

public sealed class InboundEmailTests(SupportApi api) : IClassFixture<SupportApi>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly string _tenant = SupportApi.NewTenant();

    [Fact]
    public async Task An_unknown_sender_opens_one_ticket_that_threads_replies_and_announces_itself_once_contacts_links_the_person()
    {
        var client = api.ClientFor(_tenant);
        var mail = new { from = "Grace@Example.com", fromName = "Grace Hopper", subject = "Bug in the relay", text = "A moth.", messageId = "<m1@mail.example.com>" };

        var opened = await client.PostAsJsonAsync("/api/v1/inbound/email", mail, Token);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var first = await SupportApi.ReadJsonAsync(opened);
        Assert.Equal("opened", first.GetProperty("outcome").GetString());
        var ticketId = first.GetProperty("ticketId").GetGuid();

        var again = await SupportApi.ReadJsonAsync(await client.PostAsJsonAsync("/api/v1/inbound/email", mail with { messageId = "m1@mail.example.com" }, Token));
        Assert.Equal("duplicate", again.GetProperty("outcome").GetString());
        Assert.Equal(ticketId, again.GetProperty("ticketId").GetGuid());

        var reply = await client.PostAsJsonAsync("/api/v1/inbound/email", new { from = "grace@example.com", subject = "Re: Bug", text = "Still there.", messageId = "<m2@mail.example.com>", inReplyTo = "<m1@mail.example.com>" }, Token);
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal(ticketId, (await SupportApi.ReadJsonAsync(reply)).GetProperty("ticketId").GetGuid());

        Assert.Single(await SupportApi.ItemsAsync(client, "/api/v1/tickets"));
        var messages = await SupportApi.ItemsAsync(client, $"/api/v1/tickets/{ticketId}/messages");
        Assert.Equal(["m1@mail.example.com", "m2@mail.example.com"], messages.Select(m => m.GetProperty("emailMessageId").GetString()));

        // Contacts is told about the address, and TicketOpened waits for the person it resolves to.
        Assert.Equal(1, await api.EventsAsync("TicketRequesterCaptured", ticketId));
        Assert.Equal(0, await api.EventsAsync("TicketOpened", ticketId));
        var ticket = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticketId}", Token);
        Assert.False(ticket.TryGetProperty("requesterPersonId", out _));
        Assert.Equal("grace@example.com", ticket.GetProperty("requesterEmail").GetString());
        Assert.Equal("email", ticket.GetProperty("channel").GetString());

        var person = Guid.CreateVersion7();
        var linkedId = Guid.NewGuid();
        var linked = new ContactLinked(_tenant, "ticket-requester", ticketId, person, null, true, false, DateTimeOffset.UtcNow);
        await api.DeliverAsync(linked, linkedId);
        await api.DeliverAsync(linked, linkedId);
        await api.WaitUntilConsumedAsync(linkedId, 2);
        // A second answer with another id and another person does not move a ticket already linked.
        var laterId = Guid.NewGuid();
        await api.DeliverAsync(linked with { PersonId = Guid.CreateVersion7() }, laterId);
        await api.WaitUntilConsumedAsync(laterId, 1);

        var linkedTicket = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticketId}", Token);
        Assert.Equal(person, linkedTicket.GetProperty("requesterPersonId").GetGuid());
        Assert.Equal(1, await api.EventsAsync("TicketOpened", ticketId));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = $1", linkedId));
    }

    [Fact]
    public async Task A_known_sender_is_linked_at_once_and_concurrent_deliveries_of_one_mail_make_one_ticket()
    {
        var client = api.ClientFor(_tenant);
        var person = await api.CreateRequesterAsync(_tenant, "Known@Example.com");
        var mail = new { from = "known@example.com", subject = "Hello", text = "It broke.", messageId = $"<{Guid.NewGuid()}@mail.example.com>" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.PostAsJsonAsync("/api/v1/inbound/email", mail, Token)));
        Assert.All(responses, response => Assert.True(response.IsSuccessStatusCode, $"answered {(int)response.StatusCode}"));
        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);

        var ticket = Assert.Single(await SupportApi.ItemsAsync(client, "/api/v1/tickets"));
        Assert.Equal(person, ticket.GetProperty("requesterPersonId").GetGuid());
        var ticketId = ticket.GetProperty("id").GetGuid();
        Assert.Equal(1, await api.EventsAsync("TicketOpened", ticketId));
        Assert.Equal(0, await api.EventsAsync("TicketRequesterCaptured", ticketId));
    }

    [Fact]
    public async Task Invalid_mail_is_refused_and_another_tenant_cannot_thread_into_a_ticket()
    {
        var client = api.ClientFor(_tenant);
        Assert.Equal(
            ["from", "messageId", "text"],
            (await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync("/api/v1/inbound/email", new { from = "nope", subject = "x" }, Token))).Order());

        var original = await SupportApi.ReadJsonAsync(await client.PostAsJsonAsync("/api/v1/inbound/email", new { from = "a@example.com", text = "Hi", messageId = "<t1@x.example>" }, Token));
        var stranger = api.ClientFor(SupportApi.NewTenant());
        var foreign = await stranger.PostAsJsonAsync("/api/v1/inbound/email", new { from = "b@example.com", text = "Reply", messageId = "<t2@x.example>", inReplyTo = "<t1@x.example>" }, Token);
        Assert.Equal(HttpStatusCode.Created, foreign.StatusCode);
        Assert.NotEqual(original.GetProperty("ticketId").GetGuid(), (await SupportApi.ReadJsonAsync(foreign)).GetProperty("ticketId").GetGuid());
    }
}
