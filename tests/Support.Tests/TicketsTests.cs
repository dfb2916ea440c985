using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace CrmCloud.Support.Tests;

public sealed class TicketsTests(SupportApi api) : IClassFixture<SupportApi>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly string _tenant = SupportApi.NewTenant();

    [Fact]
    public async Task A_ticket_is_opened_answered_and_solved_with_its_conversation_audit_trail_and_events()
    {
        var client = api.ClientFor(_tenant);
        var person = await api.CreateRequesterAsync(_tenant, "ada@example.com");

        var ticket = await SupportApi.CreateAsync(client, "/api/v1/tickets", new
        {
            subject = "Printer on fire",
            description = "Smoke everywhere.",
            requesterPersonId = person,
            channel = "phone",
            priority = "high",
            tags = (string[])["hardware", "Hardware", "urgent-ish"],
        });
        var id = ticket.GetProperty("id").GetGuid();
        Assert.Matches("^T-[0-9]{6}$", ticket.GetProperty("number").GetString());
        Assert.Equal("new", ticket.GetProperty("status").GetString());
        Assert.Equal("high", ticket.GetProperty("priority").GetString());
        Assert.Equal("reactive", ticket.GetProperty("kind").GetString());
        Assert.Equal(["hardware", "urgent-ish"], ticket.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(1, await api.EventsAsync("TicketOpened", id));

        var note = await client.PostAsJsonAsync($"/api/v1/tickets/{id}/messages", new { body = "Call the fire brigade?", visibility = "internal" }, Token);
        Assert.Equal(HttpStatusCode.Created, note.StatusCode);
        var afterNote = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{id}", Token);
        Assert.False(afterNote.TryGetProperty("firstRespondedAt", out _), "an internal note is not a response to the customer");

        await SupportApi.CreateAsync(client, $"/api/v1/tickets/{id}/messages", new { body = "Please unplug it.", channel = "phone" });
        var answered = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{id}", Token);
        Assert.True(answered.TryGetProperty("firstRespondedAt", out _));
        Assert.Equal("open", answered.GetProperty("status").GetString());

        var solved = await SupportApi.PatchAsync(client, $"/api/v1/tickets/{id}", new { status = "solved", assigneeId = "agent-7" });
        Assert.Equal("solved", solved.GetProperty("status").GetString());
        Assert.True(solved.TryGetProperty("solvedAt", out _));
        Assert.Equal(1, await api.EventsAsync("TicketSolved", id));
        Assert.Equal(2, await api.EventsAsync("TicketStatusChanged", id));

        var messages = await SupportApi.ItemsAsync(client, $"/api/v1/tickets/{id}/messages");
        Assert.Equal(["public", "internal", "public"], messages.Select(m => m.GetProperty("visibility").GetString()));
        Assert.Single(await SupportApi.ItemsAsync(client, $"/api/v1/tickets/{id}/messages?visibility=internal"));

        var changes = await SupportApi.ItemsAsync(client, $"/api/v1/tickets/{id}/changes");
        var statusMoves = changes.Where(c => c.GetProperty("field").GetString() == "status").Select(c => $"{c.GetProperty("from").GetString()}>{c.GetProperty("to").GetString()}");
        Assert.Equal(["new>open", "open>solved"], statusMoves);
        Assert.Contains(changes, c => c.GetProperty("field").GetString() == "assigneeId" && c.GetProperty("to").GetString() == "agent-7");
    }

    [Fact]
    public async Task Invalid_tickets_and_changes_are_refused_naming_the_fields()
    {
        var client = api.ClientFor(_tenant);
        Assert.Equal(
            ["channel", "priority", "requesterPersonId", "subject", "tags[0]"],
            (await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync("/api/v1/tickets", new { priority = "asap", channel = "pigeon", tags = (string[])[" "] }, Token))).Order());
        Assert.Contains(
            "requesterPersonId",
            await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync("/api/v1/tickets", new { subject = "Who?", requesterPersonId = Guid.NewGuid() }, Token)));
        Assert.Contains("requesterEmail", await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync("/api/v1/tickets", new { subject = "Mail", requesterEmail = "not-an-email" }, Token)));
        Assert.Contains("status", await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync("/api/v1/tickets", new { subject = "Done", requesterEmail = "x@example.com", status = "solved" }, Token)));
        Assert.Contains("limit", await SupportApi.InvalidFieldsAsync(await client.GetAsync("/api/v1/tickets?limit=0", Token)));
        Assert.Contains("status", await SupportApi.InvalidFieldsAsync(await client.GetAsync("/api/v1/tickets?status=lost", Token)));

        var ticket = await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject = "Valid", requesterEmail = "someone@example.com" });
        var id = ticket.GetProperty("id").GetGuid();
        Assert.Equal(
            ["priority", "requesterEmail"],
            (await SupportApi.InvalidFieldsAsync(await client.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { requesterEmail = "x@example.com", priority = (string?)null }, Token))).Order());
        Assert.Contains("body", await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync($"/api/v1/tickets/{id}/messages", new { body = " " }, Token)));

        var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{id}") { Content = JsonContent.Create(new { subject = "Late" }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"99\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(stale, Token)).StatusCode);

        await SupportApi.PatchAsync(client, $"/api/v1/tickets/{id}", new { status = "closed" });
        Assert.Equal(HttpStatusCode.Conflict, (await client.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { subject = "Reopen" }, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync($"/api/v1/tickets/{id}/messages", new { body = "Hello?" }, Token)).StatusCode);
    }

    [Fact]
    public async Task Another_tenant_sees_none_of_a_tenants_tickets()
    {
        var ticket = await SupportApi.CreateAsync(api.ClientFor(_tenant), "/api/v1/tickets", new { subject = "Mine", requesterEmail = "mine@example.com" });
        var id = ticket.GetProperty("id").GetGuid();
        var stranger = api.ClientFor(SupportApi.NewTenant());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/tickets/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { subject = "Theirs" }, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync($"/api/v1/tickets/{id}/messages", new { body = "Hi" }, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/tickets/{id}/messages", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/tickets/{id}/changes", Token)).StatusCode);
        Assert.Empty(await SupportApi.ItemsAsync(stranger, "/api/v1/tickets"));
        Assert.Equal("Mine", (await api.ClientFor(_tenant).GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{id}", Token)).GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Tickets_are_filtered_and_paged()
    {
        var client = api.ClientFor(_tenant);
        foreach (var (subject, priority) in new[] { ("Login fails", "urgent"), ("Invoice copy", "low"), ("Login slow", "normal") })
        {
            await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject, priority, requesterEmail = "filter@example.com", group = "tier-1" });
        }

        Assert.Equal(["Login fails"], (await SupportApi.ItemsAsync(client, "/api/v1/tickets?priority=urgent")).Select(t => t.GetProperty("subject").GetString()));
        Assert.Equal(2, (await SupportApi.ItemsAsync(client, "/api/v1/tickets?q=login&group=tier-1")).Length);

        var first = await client.GetFromJsonAsync<JsonElement>("/api/v1/tickets?limit=2", Token);
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        var rest = await SupportApi.ItemsAsync(client, $"/api/v1/tickets?limit=2&cursor={first.GetProperty("nextCursor").GetString()}");
        Assert.Equal("Login slow", Assert.Single(rest).GetProperty("subject").GetString());
    }
}
