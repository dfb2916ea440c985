using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class LeadsTests(SalesApi api) : IClassFixture<SalesApi>
{
    private const string EventsOfLead = "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'leadId' = $2";

    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_lead_is_created_with_its_defaults_publishes_LeadCreated_and_is_found_by_its_filters()
    {
        var campaign = Guid.CreateVersion7();
        var lead = await CreateAsync(Client, "/api/v1/leads", new
        {
            firstName = "Grace", lastName = "Hopper", email = "Grace@Navy.example", phone = "+1 555 0100", companyName = "Navy", jobTitle = "Rear admiral",
            message = "Call me", source = "campaign", campaignId = campaign, score = 80,
        });
        var other = await CreateAsync(Client, "/api/v1/leads", new { lastName = "Lovelace" });

        Assert.Equal("new", lead.GetProperty("status").GetString());
        Assert.Equal("campaign", lead.GetProperty("source").GetString());
        Assert.Equal(campaign, lead.GetProperty("campaignId").GetGuid());
        Assert.Equal(80, lead.GetProperty("score").GetInt32());
        Assert.Equal("developer", lead.GetProperty("ownerId").GetString());
        Assert.False(lead.TryGetProperty("conversion", out _), "A lead not converted has no conversion.");
        Assert.Equal("manual", other.GetProperty("source").GetString());
        Assert.Equal(0, other.GetProperty("score").GetInt32());
        var id = lead.GetProperty("id").GetGuid();
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, EventsOfLead, "CrmCloud.Contracts.Sales.LeadCreated", id.ToString()));

        Assert.Equal([id], await IdsAsync("/api/v1/leads?source=campaign"));
        Assert.Equal([id], await IdsAsync("/api/v1/leads?email=grace@navy.EXAMPLE"));
        Assert.Equal([id], await IdsAsync($"/api/v1/leads?campaignId={campaign}&minScore=80"));
        Assert.Empty(await IdsAsync("/api/v1/leads?minScore=81"));
        var first = await ReadJsonAsync(await Client.GetAsync("/api/v1/leads?limit=1", Token));
        var second = await ReadJsonAsync(await Client.GetAsync($"/api/v1/leads?limit=1&cursor={first.GetProperty("nextCursor").GetString()}", Token));
        Assert.Equal(other.GetProperty("id").GetGuid(), second.GetProperty("items")[0].GetProperty("id").GetGuid());
        var badFilter = await Client.GetAsync("/api/v1/leads?status=lost&minScore=101", Token);
        Assert.Equal(["minScore", "status"], (await ErrorFieldsAsync(badFilter)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Invalid_fields_are_named_and_nothing_is_written()
    {
        var response = await Client.PostAsJsonAsync(
            "/api/v1/leads",
            new { email = "not-an-email", phone = "call me", source = "campaign", status = "converted", score = 101, disqualifiedReason = "Spam" },
            Token);
        var nameless = await Client.PostAsJsonAsync("/api/v1/leads", new { firstName = "Ada", status = "disqualified", source = "fax" }, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["campaignId", "disqualifiedReason", "email", "phone", "score", "status"], (await ErrorFieldsAsync(response)).Order(StringComparer.Ordinal));
        Assert.Equal(["disqualifiedReason", "email", "source"], (await ErrorFieldsAsync(nameless)).Order(StringComparer.Ordinal));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM leads WHERE tenant_id = $1", _tenant));
    }

    [Fact]
    public async Task Disqualifying_needs_a_reason_requalifying_drops_it_and_a_stale_if_match_is_412()
    {
        var id = (await CreateAsync(Client, "/api/v1/leads", new { lastName = "Turing", email = "alan@example.com" })).GetProperty("id").GetGuid();
        var path = $"/api/v1/leads/{id}";

        var reasonless = await SendAsync(Client, HttpMethod.Patch, path, """{ "status": "disqualified" }""");
        var converted = await SendAsync(Client, HttpMethod.Patch, path, """{ "status": "converted" }""");
        var disqualified = await SendAsync(Client, HttpMethod.Patch, path, """{ "status": "disqualified", "disqualifiedReason": "No budget" }""", ifMatch: "\"1\"");
        var stale = await SendAsync(Client, HttpMethod.Patch, path, """{ "score": 10 }""", ifMatch: "\"1\"");
        var refused = await Client.PostAsJsonAsync($"{path}/convert", new { }, Token);
        var working = await SendAsync(Client, HttpMethod.Patch, path, """{ "status": "working", "score": 40, "email": null }""", contentType: "application/merge-patch+json");
        var cleared = await SendAsync(Client, HttpMethod.Patch, path, """{ "score": null }""");
        var nameless = await SendAsync(Client, HttpMethod.Patch, path, """{ "lastName": null }""");

        Assert.Equal(["disqualifiedReason"], await ErrorFieldsAsync(reasonless));
        Assert.Equal(["status"], await ErrorFieldsAsync(converted));
        Assert.Equal(HttpStatusCode.OK, disqualified.StatusCode);
        Assert.Equal("No budget", (await ReadJsonAsync(disqualified)).GetProperty("disqualifiedReason").GetString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, working.StatusCode);
        var stored = await ReadJsonAsync(await Client.GetAsync(path, Token));
        Assert.Equal("working", stored.GetProperty("status").GetString());
        Assert.False(stored.TryGetProperty("disqualifiedReason", out _), "Leaving the disqualified status drops its reason.");
        Assert.False(stored.TryGetProperty("email", out _));
        Assert.Equal(40, stored.GetProperty("score").GetInt32());
        Assert.Equal(3, stored.GetProperty("version").GetInt64());
        Assert.Equal(["score"], await ErrorFieldsAsync(cleared));
        Assert.Equal(["email"], await ErrorFieldsAsync(nameless));
    }

    [Fact]
    public async Task Another_tenant_gets_404_for_every_action_on_a_lead()
    {
        var id = (await CreateAsync(Client, "/api/v1/leads", new { lastName = "Curie" })).GetProperty("id").GetGuid();
        var path = $"/api/v1/leads/{id}";
        var stranger = api.ClientFor(NewTenant());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(path, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(stranger, HttpMethod.Patch, path, """{ "score": 1 }""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync($"{path}/convert", new { }, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync(path, Token)).StatusCode);
        Assert.Empty((await ReadJsonAsync(await stranger.GetAsync("/api/v1/leads", Token))).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync(path, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(path, Token)).StatusCode);
    }

    [Fact]
    public async Task Converting_publishes_LeadConverted_once_and_freezes_the_lead()
    {
        var id = (await CreateAsync(Client, "/api/v1/leads", new { firstName = "Ada", lastName = "Lovelace", email = "ada@engine.example", companyName = "Engines" }))
            .GetProperty("id").GetGuid();
        var path = $"/api/v1/leads/{id}";

        var invalid = await Client.PostAsJsonAsync($"{path}/convert", new { opportunity = new { amount = new { amount = "1.001", currency = "EUR" }, pipelineId = Guid.CreateVersion7() } }, Token);
        var accepted = await Client.PostAsJsonAsync($"{path}/convert", new { opportunity = new { amount = new { amount = "2500", currency = "EUR" } } }, Token);
        var again = await Client.PostAsJsonAsync($"{path}/convert", new { }, Token);
        var edited = await SendAsync(Client, HttpMethod.Patch, path, """{ "score": 5 }""");

        Assert.Equal(["opportunity.amount.amount", "opportunity.pipelineId"], (await ErrorFieldsAsync(invalid)).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal($"/api/v1/leads/{id}", accepted.Headers.Location?.OriginalString);
        var conversion = (await ReadJsonAsync(accepted)).GetProperty("conversion");
        Assert.Equal("Engines", conversion.GetProperty("opportunity").GetProperty("name").GetString());
        Assert.Equal("2500.00", conversion.GetProperty("opportunity").GetProperty("amount").GetProperty("amount").GetString());
        Assert.False(conversion.TryGetProperty("completedAt", out _), "Contacts has not answered yet.");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, edited.StatusCode);
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, EventsOfLead, "CrmCloud.Contracts.Sales.LeadConverted", id.ToString()));
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Sales.LeadConverted' AND payload->>'proposedPersonId' = $1 AND payload->>'proposedCompanyId' IS NOT NULL",
            conversion.GetProperty("proposedPersonId").GetGuid().ToString()));
    }

    [Fact]
    public async Task Contacts_answer_converts_the_lead_and_creates_its_opportunity_once_even_before_the_customer_copy_arrives()
    {
        var id = (await CreateAsync(Client, "/api/v1/leads", new { lastName = "Noether", email = "emmy@example.com", source = "partner", companyName = "Algebra" }))
            .GetProperty("id").GetGuid();
        var accepted = await Client.PostAsJsonAsync($"/api/v1/leads/{id}/convert", new { opportunity = new { name = "Rings", amount = new { amount = "99.5", currency = "USD" } } }, Token);
        accepted.EnsureSuccessStatusCode();
        var person = Guid.CreateVersion7();
        var company = Guid.CreateVersion7();

        var messageId = Guid.NewGuid();
        var linked = new ContactLinked(_tenant, "lead", id, person, company, true, true, DateTimeOffset.UtcNow);
        await api.DeliverAsync(linked, messageId);
        await api.DeliverAsync(linked, messageId);
        var answeredAgain = Guid.NewGuid();
        await api.DeliverAsync(linked with { OccurredAt = DateTimeOffset.UtcNow }, answeredAgain);
        var ticket = Guid.NewGuid();
        await api.DeliverAsync(linked with { SourceKind = "ticket-requester", SourceId = Guid.CreateVersion7() }, ticket);
        await api.WaitUntilConsumedAsync(messageId, 2);
        await api.WaitUntilConsumedAsync(answeredAgain, 1);
        await api.WaitUntilConsumedAsync(ticket, 1);

        var lead = await ReadJsonAsync(await Client.GetAsync($"/api/v1/leads/{id}", Token));
        Assert.Equal("converted", lead.GetProperty("status").GetString());
        var conversion = lead.GetProperty("conversion");
        Assert.Equal(person, conversion.GetProperty("personId").GetGuid());
        Assert.Equal(company, conversion.GetProperty("companyId").GetGuid());
        Assert.True(conversion.TryGetProperty("completedAt", out _));
        var opportunities = (await ReadJsonAsync(await Client.GetAsync($"/api/v1/opportunities?leadId={id}", Token))).GetProperty("items").EnumerateArray().ToList();
        var opportunity = Assert.Single(opportunities);
        Assert.Equal(conversion.GetProperty("opportunityId").GetGuid(), opportunity.GetProperty("id").GetGuid());
        Assert.Equal("Rings", opportunity.GetProperty("name").GetString());
        Assert.Equal(person, opportunity.GetProperty("personId").GetGuid());
        Assert.Equal(company, opportunity.GetProperty("companyId").GetGuid());
        Assert.Equal("99.50", opportunity.GetProperty("amount").GetProperty("amount").GetString());
        Assert.Equal("partner", opportunity.GetProperty("source").GetString());
        Assert.Equal(id, opportunity.GetProperty("leadId").GetGuid());
        var history = (await ReadJsonAsync(await Client.GetAsync($"/api/v1/opportunities/{opportunity.GetProperty("id").GetGuid()}/history", Token))).GetProperty("items");
        Assert.Equal("developer", Assert.Single(history.EnumerateArray()).GetProperty("changedBy").GetString());
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = $1 AND consumer = 'LeadLinkConsumer'", messageId));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = $1", ticket));
    }

    [Fact]
    public async Task An_opportunity_names_its_source_and_is_filtered_by_it()
    {
        var person = await api.CreateCustomerAsync(_tenant);
        var partner = await CreateAsync(Client, "/api/v1/opportunities", new { name = "Via partner", personId = person, amount = new { amount = "10", currency = "EUR" }, source = "partner" });
        var manual = await CreateAsync(Client, "/api/v1/opportunities", new { name = "Direct", personId = person, amount = new { amount = "10", currency = "EUR" } });
        var invalid = await Client.PostAsJsonAsync("/api/v1/opportunities", new { name = "Odd", personId = person, amount = new { amount = "10", currency = "EUR" }, source = "fax" }, Token);
        var patched = await SendAsync(Client, HttpMethod.Patch, $"/api/v1/opportunities/{manual.GetProperty("id").GetGuid()}", """{ "source": "partner" }""");

        Assert.Equal("partner", partner.GetProperty("source").GetString());
        Assert.Equal("manual", manual.GetProperty("source").GetString());
        Assert.False(manual.TryGetProperty("leadId", out _));
        Assert.Equal(["source"], await ErrorFieldsAsync(invalid));
        Assert.Equal(["source"], await ErrorFieldsAsync(patched));
        Assert.Equal([partner.GetProperty("id").GetGuid()], await IdsAsync("/api/v1/opportunities?source=partner"));
        Assert.Equal(["source"], await ErrorFieldsAsync(await Client.GetAsync("/api/v1/opportunities?source=fax", Token)));
    }

    private async Task<Guid[]> IdsAsync(string path)
    {
        var page = await ReadJsonAsync(await Client.GetAsync(path, Token));
        return [.. page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid())];
    }
}
