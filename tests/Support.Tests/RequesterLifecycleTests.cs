using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Billing;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Support.Features.Tickets;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Support.Tests;

public sealed class RequesterLifecycleTests(SupportApi api) : IClassFixture<SupportApi>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly string _tenant = SupportApi.NewTenant();

    [Fact]
    public async Task Tickets_of_a_merged_person_move_to_the_survivor_once_however_often_the_merge_is_delivered()
    {
        var client = api.ClientFor(_tenant);
        var merged = await api.CreateRequesterAsync(_tenant, "old@example.com");
        var survivor = await api.CreateRequesterAsync(_tenant, "new@example.com");
        var moved = (await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject = "Old address", requesterPersonId = merged })).GetProperty("id").GetGuid();
        await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject = "Also old", requesterPersonId = merged });
        await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject = "New address", requesterPersonId = survivor });

        var overdueId = Guid.NewGuid();
        await api.DeliverAsync(new InvoiceOverdue(_tenant, Guid.CreateVersion7(), "INV-1", merged, null, Guid.CreateVersion7(), 10m, "EUR", new DateOnly(2026, 11, 1), DateTimeOffset.UtcNow), overdueId);
        await api.WaitUntilConsumedAsync(overdueId, 1);

        var merge = new ContactsMerged(_tenant, survivor, 3, new ContactSnapshot("Ada", "Lovelace", "new@example.com", null, null), [new MergedContact(merged, 2)], DateTimeOffset.UtcNow);
        var messageId = Guid.NewGuid();
        await api.DeliverAsync(merge, messageId);
        await api.DeliverAsync(merge, messageId);
        // Two consumers (the requester copies and the tickets), each given the message twice.
        await api.WaitUntilConsumedAsync(messageId, 4);

        Assert.Equal(3, (await SupportApi.ItemsAsync(client, $"/api/v1/tickets?requesterPersonId={survivor}")).Length);
        Assert.Empty(await SupportApi.ItemsAsync(client, $"/api/v1/tickets?requesterPersonId={merged}"));
        var ticket = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{moved}", Token);
        Assert.Equal(2, ticket.GetProperty("version").GetInt64());
        // The merged person's overdue invoice is the survivor's now, and so is the flag on the survivor's own ticket.
        Assert.Equal(1, ticket.GetProperty("dunning").GetProperty("overdueInvoices").GetInt32());
        var move = Assert.Single(await SupportApi.ItemsAsync(client, $"/api/v1/tickets/{moved}/changes"), c => c.GetProperty("field").GetString() == "requesterPersonId");
        Assert.Equal(merged.ToString(), move.GetProperty("from").GetString());
        Assert.Equal(survivor.ToString(), move.GetProperty("to").GetString());
        Assert.Empty(await SupportApi.ItemsAsync(client, $"/api/v1/requesters?personId={merged}"));
    }

    [Fact]
    public async Task A_ticket_contacts_links_to_a_merged_person_takes_the_survivor()
    {
        var client = api.ClientFor(_tenant);
        var merged = Guid.CreateVersion7();
        var survivor = await api.CreateRequesterAsync(_tenant, "kept@example.com");
        var mergeId = Guid.NewGuid();
        await api.DeliverAsync(new ContactsMerged(_tenant, survivor, 2, new ContactSnapshot("Ada", "Lovelace", "kept@example.com", null, null), [new MergedContact(merged, 2)], DateTimeOffset.UtcNow), mergeId);
        await api.WaitUntilConsumedAsync(mergeId, 2);

        // The address was unknown when the ticket came in; contacts answers with the person it knew, merged meanwhile.
        var ticket = (await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject = "Hello", requesterEmail = "unknown@example.com" })).GetProperty("id").GetGuid();
        var linkId = Guid.NewGuid();
        await api.DeliverAsync(new ContactLinked(_tenant, "ticket-requester", ticket, merged, null, false, false, DateTimeOffset.UtcNow), linkId);
        await api.WaitUntilConsumedAsync(linkId, 1);

        Assert.Equal(survivor, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticket}", Token)).GetProperty("requesterPersonId").GetGuid());
    }

    [Fact]
    public async Task An_erased_requester_leaves_tickets_without_personal_data_once_however_often_the_erasure_is_delivered()
    {
        var client = api.ClientFor(_tenant);
        var person = await api.CreateRequesterAsync(_tenant, "erin@example.com");
        var opened = await SupportApi.CreateAsync(client, "/api/v1/inbound/email", new { from = "erin@example.com", fromName = "Erin Example", subject = "My order", text = "I am Erin, call me on 555-0100.", messageId = "<erase-1@example.com>" });
        var id = opened.GetProperty("ticketId").GetGuid();
        await SupportApi.CreateAsync(client, $"/api/v1/tickets/{id}/messages", new { body = "We will call you." });
        await SupportApi.PatchAsync(client, $"/api/v1/tickets/{id}", new { status = "solved" });
        var survey = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{id}/satisfaction", Token);
        (await client.PostAsJsonAsync($"/api/v1/csat/{survey.GetProperty("token").GetString()}", new { rating = 4, comment = "Erin says thanks" }, Token)).EnsureSuccessStatusCode();
        var before = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{id}", Token);
        Assert.Equal("erin@example.com", before.GetProperty("requesterEmail").GetString());

        var messageId = Guid.NewGuid();
        var erased = new ContactErased(_tenant, person, 5, DateTimeOffset.UtcNow);
        await api.DeliverAsync(erased, messageId);
        await api.DeliverAsync(erased, messageId);
        await api.WaitUntilConsumedAsync(messageId, 4);

        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{id}", Token);
        Assert.False(after.TryGetProperty("requesterEmail", out _));
        Assert.False(after.TryGetProperty("requesterName", out _));
        Assert.Equal(person, after.GetProperty("requesterPersonId").GetGuid());
        Assert.Equal(before.GetProperty("version").GetInt64() + 1, after.GetProperty("version").GetInt64());
        var messages = await SupportApi.ItemsAsync(client, $"/api/v1/tickets/{id}/messages");
        Assert.Equal([TicketMessage.ErasedBody, "We will call you."], messages.Select(m => m.GetProperty("body").GetString()));
        Assert.All(messages, m => Assert.False(m.TryGetProperty("authorEmail", out _)));
        Assert.False((await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{id}/satisfaction", Token)).TryGetProperty("comment", out _));
        Assert.Single(await SupportApi.ItemsAsync(client, $"/api/v1/tickets/{id}/changes"), c => c.GetProperty("field").GetString() == "requester");
        Assert.Empty(await SupportApi.ItemsAsync(client, $"/api/v1/requesters?personId={person}"));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM ticket_messages WHERE tenant_id = $1 AND (body LIKE '%555-0100%' OR author_email IS NOT NULL)", _tenant));
    }
}
