using System.Net;
using CrmCloud.Contracts.Sales;
using CrmCloud.Contracts.Support;
using CrmCloud.TestInfrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>The contacts service with its consumers bound and a bus to deliver captured contacts, counting what it consumed.</summary>
public sealed class CaptureApi(ServersFixture servers) : ServiceFactory<ContactsDb>(servers.Servers, "contactsdb")
{
    public ConsumeCounter Consumed { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Services.GetRequiredService<IBus>().ConnectConsumeObserver(Consumed);
        var probe = CreateClient();
        // Events published before the consumers' queues are bound would have nowhere to go.
        await Eventually.Until(async () => (await probe.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "contacts to be ready");
    }

    public async Task DeliverAsync<T>(T message, Guid messageId)
        where T : class =>
        await Services.GetRequiredService<IBus>().Publish(message, context => context.MessageId = messageId);

    public Task WaitUntilConsumedAsync(Guid messageId, int times) =>
        Eventually.Until(() => Task.FromResult(Consumed.Consumed(messageId) >= times), TimeSpan.FromSeconds(30), $"message {messageId} to be consumed {times} time(s)");
}

public sealed class CaptureTests(CaptureApi api) : IClassFixture<CaptureApi>
{
    private const string LinksOf = "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Contacts.ContactLinked' AND payload->>'sourceId' = $1";

    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_converted_lead_of_a_new_email_creates_its_person_and_company_once_with_the_proposed_ids()
    {
        var converted = Lead("new@lead.example", "Lead Corp");
        var messageId = Guid.NewGuid();

        await api.DeliverAsync(converted, messageId);
        await api.DeliverAsync(converted, messageId);
        await api.WaitUntilConsumedAsync(messageId, 2);

        var person = await ReadJsonAsync(await Client.GetAsync($"/api/v1/people/{converted.ProposedPersonId}", Token));
        Assert.Equal("Hedy", person.GetProperty("firstName").GetString());
        Assert.Equal("Lamarr", person.GetProperty("lastName").GetString());
        Assert.Equal("new@lead.example", person.GetProperty("email").GetString());
        Assert.Equal("web-form", person.GetProperty("source").GetString());
        Assert.Equal(converted.ProposedCompanyId, person.GetProperty("companyId").GetGuid());
        var company = await ReadJsonAsync(await Client.GetAsync($"/api/v1/companies/{converted.ProposedCompanyId}", Token));
        Assert.Equal("Lead Corp", company.GetProperty("name").GetString());
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, LinksOf, converted.LeadId.ToString()));
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Contacts.ContactLinked' AND payload->>'sourceKind' = 'lead' AND (payload->>'personCreated')::boolean AND (payload->>'companyCreated')::boolean AND payload->>'personId' = $1",
            converted.ProposedPersonId.ToString()));
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Contacts.ContactCreated' AND tenant_id = $1", _tenant));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", _tenant));

        // The same conversion announced again under another message id links the person it made, creating nothing.
        var again = Guid.NewGuid();
        await api.DeliverAsync(converted with { Email = "other@lead.example" }, again);
        await api.WaitUntilConsumedAsync(again, 1);
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", _tenant));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM companies WHERE tenant_id = $1", _tenant));
        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, LinksOf, converted.LeadId.ToString()));
    }

    [Fact]
    public async Task A_lead_reuses_the_person_with_its_email_among_any_of_theirs_and_the_company_by_name_and_links_them()
    {
        var existing = await CreatePersonAsync(Client, new
        {
            lastName = "Franklin",
            emails = new[] { new { address = "rosalind@work.example", primary = true }, new { address = "Rosalind@Home.example", primary = false } },
        });
        var company = await CreateCompanyAsync(Client, new { name = "King's College" });
        var stranger = await CreatePersonAsync(api.ClientFor(NewTenant()), new { lastName = "Other", email = "ros@shared.example" });
        var converted = Lead("rosalind@home.EXAMPLE", "king's college");
        var strangerEmail = Lead("ros@shared.example", null);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();

        await api.DeliverAsync(converted, first);
        await api.DeliverAsync(strangerEmail, second);
        await api.WaitUntilConsumedAsync(first, 1);
        await api.WaitUntilConsumedAsync(second, 1);

        var person = await ReadJsonAsync(await Client.GetAsync($"/api/v1/people/{existing.GetProperty("id").GetGuid()}", Token));
        Assert.Equal(company.GetProperty("id").GetGuid(), person.GetProperty("companyId").GetGuid());
        Assert.Equal("Franklin", person.GetProperty("lastName").GetString());
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Contacts.ContactLinked' AND payload->>'personId' = $1 AND payload->>'companyId' = $2 AND NOT (payload->>'personCreated')::boolean AND NOT (payload->>'companyCreated')::boolean",
            existing.GetProperty("id").GetGuid().ToString(), company.GetProperty("id").GetGuid().ToString()));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM companies WHERE tenant_id = $1", _tenant));
        // Another tenant's person with the email is not this tenant's: a new one is made.
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/api/v1/people/{strangerEmail.ProposedPersonId}", Token)).StatusCode);
        Assert.NotEqual(stranger.GetProperty("id").GetGuid(), strangerEmail.ProposedPersonId);
    }

    [Fact]
    public async Task An_unknown_ticket_requester_becomes_a_person_once_and_a_second_ticket_from_them_finds_that_person()
    {
        var first = new TicketRequesterCaptured(_tenant, Guid.CreateVersion7(), Guid.CreateVersion7(), "marie@curie.example", "Marie Skłodowska Curie", DateTimeOffset.UtcNow);
        var second = new TicketRequesterCaptured(_tenant, Guid.CreateVersion7(), Guid.CreateVersion7(), "MARIE@curie.example", null, DateTimeOffset.UtcNow);
        var nameless = new TicketRequesterCaptured(_tenant, Guid.CreateVersion7(), Guid.CreateVersion7(), "pierre@curie.example", null, DateTimeOffset.UtcNow);
        var firstId = Guid.NewGuid();

        await api.DeliverAsync(first, firstId);
        await api.DeliverAsync(first, firstId);
        await api.WaitUntilConsumedAsync(firstId, 2);
        var secondId = Guid.NewGuid();
        var namelessId = Guid.NewGuid();
        await api.DeliverAsync(second, secondId);
        await api.DeliverAsync(nameless, namelessId);
        await api.WaitUntilConsumedAsync(secondId, 1);
        await api.WaitUntilConsumedAsync(namelessId, 1);

        var person = await ReadJsonAsync(await Client.GetAsync($"/api/v1/people/{first.ProposedPersonId}", Token));
        Assert.Equal("Marie Skłodowska", person.GetProperty("firstName").GetString());
        Assert.Equal("Curie", person.GetProperty("lastName").GetString());
        Assert.Equal("support", person.GetProperty("source").GetString());
        Assert.Equal("pierre", (await ReadJsonAsync(await Client.GetAsync($"/api/v1/people/{nameless.ProposedPersonId}", Token))).GetProperty("lastName").GetString());
        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", _tenant));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, LinksOf, first.TicketId.ToString()));
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Contacts.ContactLinked' AND payload->>'sourceKind' = 'ticket-requester' AND payload->>'sourceId' = $1 AND payload->>'personId' = $2",
            second.TicketId.ToString(), first.ProposedPersonId.ToString()));
    }

    private LeadConverted Lead(string email, string? companyName) => new(
        _tenant, Guid.CreateVersion7(), Guid.CreateVersion7(), companyName is null ? null : Guid.CreateVersion7(), "Hedy", "Lamarr", email, "+1 555 0100", companyName,
        "web-form", "sam", DateTimeOffset.UtcNow);
}
