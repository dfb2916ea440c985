using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Contacts.Features.Profile;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;
using static CrmCloud.Contacts.Tests.ProfileApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>Facts published by the other services, as they reach a person's profile, timeline and export.</summary>
public sealed class ProfileTests(ProfileApi api) : IClassFixture<ProfileApi>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    [Fact]
    public async Task An_order_placed_counts_towards_lifetime_revenue_and_shows_on_the_timeline()
    {
        var person = await NewPersonAsync();
        var order = Facts.Order(_tenant, person, 100.50m);

        await api.PublishAsync(order);

        var profile = await ProfileUntilAsync(Client, person, p => p.GetProperty("orderCount").GetInt32() == 1, "the order to reach the profile");
        Assert.Equal(["100.50 EUR"], Revenue(profile));
        Assert.Equal(person, profile.GetProperty("personId").GetGuid());
        Assert.Equal("2026-03-02T09:00:00Z", profile.GetProperty("firstOrderAt").GetString());
        Assert.Equal("2026-03-02T09:00:00Z", profile.GetProperty("lastOrderAt").GetString());
        var item = Assert.Single((await TimelineAsync(person)).GetProperty("items").EnumerateArray());
        Assert.Equal("order", item.GetProperty("kind").GetString());
        var entry = item.GetProperty("order");
        Assert.Equal("placed", entry.GetProperty("event").GetString());
        Assert.Equal(order.OrderId, entry.GetProperty("sourceId").GetGuid());
        Assert.Equal("100.50", entry.GetProperty("amount").GetProperty("amount").GetString());
        Assert.Equal("EUR", entry.GetProperty("amount").GetProperty("currency").GetString());
        Assert.Contains("SO-1001", entry.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_kind_of_fact_joins_the_activities_on_the_timeline_newest_first_and_pages_stably()
    {
        var person = await NewPersonAsync();
        var order = Facts.Order(_tenant, person, 40m, at: Start.AddHours(1));
        var ticket = Facts.Ticket(_tenant, person, at: Start.AddHours(5));
        await api.PublishAsync(order);
        await api.PublishAsync(Facts.Cancelled(order, Start.AddHours(2)));
        await api.PublishAsync(Facts.Invoice(_tenant, person, 48m, Start.AddHours(3)));
        await api.PublishAsync(Facts.Payment(_tenant, person, 48m, Start.AddHours(4)));
        await api.PublishAsync(ticket);
        await api.PublishAsync(Facts.Solved(ticket, Start.AddHours(6)));
        await api.PublishAsync(Facts.Response(_tenant, person, "clicked", Start.AddHours(7)));
        foreach (var hours in new[] { 0, 8 })
        {
            var activity = await Client.PostAsJsonAsync(
                "/api/v1/activities", new { type = "note", subject = $"Note {hours}", personId = person, occurredAt = Start.AddHours(hours) }, Token);
            Assert.Equal(HttpStatusCode.Created, activity.StatusCode);
        }

        await UntilAsync(Client, $"/api/v1/people/{person}/timeline", t => t.GetProperty("items").GetArrayLength() == 9, "every fact to reach the timeline");
        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await TimelineAsync(person, "limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal(
            ["activity", "campaign:clicked", "ticket:solved", "ticket:opened", "payment:received", "invoice:issued", "order:cancelled", "order:placed", "activity"],
            seen.Select(Describe));
        Assert.Equal(9, seen.Select(item => item.GetProperty(item.GetProperty("kind").GetString()!).GetProperty("id").GetGuid()).Distinct().Count());
        Assert.Equal("Note 8", seen[0].GetProperty("activity").GetProperty("subject").GetString());
    }

    [Theory]
    [InlineData("order-placed")]
    [InlineData("order-cancelled")]
    [InlineData("invoice-issued")]
    [InlineData("payment-received")]
    [InlineData("ticket-opened")]
    [InlineData("ticket-solved")]
    [InlineData("campaign-response")]
    public async Task A_redelivered_fact_has_no_second_effect(string fact)
    {
        var person = await NewPersonAsync();
        var order = Facts.Order(_tenant, person, 25m);
        var ticket = Facts.Ticket(_tenant, person);
        object message = fact switch
        {
            "order-placed" => order,
            "order-cancelled" => Facts.Cancelled(order),
            "invoice-issued" => Facts.Invoice(_tenant, person, 30m),
            "payment-received" => Facts.Payment(_tenant, person, 30m),
            "ticket-opened" => ticket,
            "ticket-solved" => Facts.Solved(ticket),
            _ => Facts.Response(_tenant, person, "opened"),
        };

        var messageId = await api.DeliverAsync(message);
        var before = await ProfileAsync(person);
        // The same message again, then the same fact under a new message id (a publisher that sent it twice).
        await api.DeliverAsync(message, messageId, times: 2);
        await api.DeliverAsync(message);

        Assert.Equal(1, await CountAsync(api, "SELECT count(*) FROM customer_facts WHERE person_id = $1", person));
        Assert.Equal(1, await CountAsync(api, "SELECT count(*) FROM inbox_messages WHERE message_id = $1", messageId));
        Assert.Equal(before.GetRawText(), (await ProfileAsync(person)).GetRawText());
        Assert.Single((await TimelineAsync(person)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_cancellation_arriving_before_its_order_leaves_only_the_other_orders()
    {
        var person = await NewPersonAsync();
        var cancelledOrder = Facts.Order(_tenant, person, 70m);
        var keptOrder = Facts.Order(_tenant, person, 30m, at: Start.AddDays(1));

        await api.DeliverAsync(Facts.Cancelled(cancelledOrder));
        await api.DeliverAsync(cancelledOrder);
        await api.PublishAsync(keptOrder);

        var profile = await ProfileUntilAsync(Client, person, p => p.GetProperty("orderCount").GetInt32() == 1, "the kept order to count");
        Assert.Equal(["30.00 EUR"], Revenue(profile));
        Assert.Equal("2026-03-03T09:00:00Z", profile.GetProperty("firstOrderAt").GetString());
        Assert.Equal(3, (await TimelineAsync(person)).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_solution_arriving_before_its_ticket_leaves_only_the_unsolved_ticket_open()
    {
        var person = await NewPersonAsync();
        var solved = Facts.Ticket(_tenant, person);
        var open = Facts.Ticket(_tenant, person, Start.AddDays(1));

        await api.DeliverAsync(Facts.Solved(solved));
        await api.DeliverAsync(solved);
        await api.DeliverAsync(open);

        Assert.Equal(1, (await ProfileAsync(person)).GetProperty("openTickets").GetInt32());
        await api.DeliverAsync(Facts.Solved(open));
        Assert.Equal(0, (await ProfileAsync(person)).GetProperty("openTickets").GetInt32());
    }

    [Fact]
    public async Task Revenue_is_kept_per_currency_and_a_cancellation_takes_its_order_out()
    {
        var person = await NewPersonAsync();
        var cancelled = Facts.Order(_tenant, person, 5m, "EUR", Start.AddDays(3));
        await api.DeliverAsync(Facts.Order(_tenant, person, 12.5m, "EUR", Start));
        await api.DeliverAsync(Facts.Order(_tenant, person, 7.25m, "EUR", Start.AddDays(1)));
        await api.DeliverAsync(Facts.Order(_tenant, person, 99m, "usd", Start.AddDays(2)));
        await api.DeliverAsync(cancelled);
        await api.DeliverAsync(Facts.Cancelled(cancelled));

        var profile = await ProfileAsync(person);

        Assert.Equal(["19.75 EUR", "99.00 USD"], Revenue(profile));
        Assert.Equal(3, profile.GetProperty("orderCount").GetInt32());
        Assert.Equal("2026-03-02T09:00:00Z", profile.GetProperty("firstOrderAt").GetString());
        Assert.Equal("2026-03-04T09:00:00Z", profile.GetProperty("lastOrderAt").GetString());
    }

    [Fact]
    public async Task Facts_arriving_together_for_one_person_all_count()
    {
        var person = await NewPersonAsync();
        var orders = Enumerable.Range(0, 20).Select(i => Facts.Order(_tenant, person, 1.5m, at: Start.AddMinutes(i))).ToList();

        await Task.WhenAll(orders.Select(order => api.PublishAsync(order)));

        var profile = await ProfileUntilAsync(Client, person, p => p.GetProperty("orderCount").GetInt32() == 20, "all 20 orders to count");
        Assert.Equal(["30.00 EUR"], Revenue(profile));
        Assert.Equal("2026-03-02T09:19:00Z", profile.GetProperty("lastOrderAt").GetString());
    }

    [Fact]
    public async Task The_last_campaign_response_is_the_latest_by_time_not_by_arrival()
    {
        var person = await NewPersonAsync();
        await api.DeliverAsync(Facts.Response(_tenant, person, "clicked", Start.AddHours(2), "Autumn"));
        await api.DeliverAsync(Facts.Response(_tenant, person, "opened", Start.AddHours(1), "Spring"));

        var last = (await ProfileAsync(person)).GetProperty("lastCampaignResponse");

        Assert.Equal("clicked", last.GetProperty("response").GetString());
        Assert.Equal("Autumn", last.GetProperty("campaignName").GetString());
        Assert.Equal("2026-03-02T11:00:00Z", last.GetProperty("respondedAt").GetString());
    }

    [Fact]
    public async Task A_fact_about_a_person_the_tenant_does_not_have_is_dropped_once_and_for_all()
    {
        var unknown = Guid.CreateVersion7();
        var elsewhere = await NewPersonAsync(api.ClientFor(NewTenant()));

        var first = await api.DeliverAsync(Facts.Order(_tenant, unknown, 10m));
        var second = await api.DeliverAsync(Facts.Order(_tenant, elsewhere, 10m));

        Assert.Equal(0, await CountAsync(api, "SELECT count(*) FROM customer_facts WHERE person_id = ANY($1)", new[] { unknown, elsewhere }));
        Assert.Equal(0, await CountAsync(api, "SELECT count(*) FROM customer_profiles WHERE person_id = ANY($1)", new[] { unknown, elsewhere }));
        // Handled, so the broker does not redeliver it.
        Assert.Equal(2, await CountAsync(api, "SELECT count(*) FROM inbox_messages WHERE message_id = ANY($1)", new[] { first, second }));
    }

    [Fact]
    public async Task A_company_profile_adds_up_the_facts_that_name_the_company()
    {
        var company = (await CreateCompanyAsync(Client, new { name = "Analytical Engines Ltd" })).GetProperty("id").GetGuid();
        var ada = await NewPersonAsync();
        var charles = await NewPersonAsync();
        await api.DeliverAsync(Facts.Order(_tenant, ada, 10m, company: company));
        await api.DeliverAsync(Facts.Order(_tenant, charles, 15m, at: Start.AddDays(1), company: company));
        await api.DeliverAsync(Facts.Order(_tenant, charles, 1000m));
        await api.DeliverAsync(Facts.Ticket(_tenant, ada, company: company));

        var profile = await ReadJsonAsync(await Client.GetAsync($"/api/v1/companies/{company}/profile", Token));

        Assert.Equal(company, profile.GetProperty("companyId").GetGuid());
        Assert.Equal(["25.00 EUR"], Revenue(profile));
        Assert.Equal(2, profile.GetProperty("orderCount").GetInt32());
        Assert.Equal(1, profile.GetProperty("openTickets").GetInt32());
        Assert.False(profile.TryGetProperty("valueScore", out _));
    }

    [Fact]
    public async Task Another_tenant_gets_404_for_the_profiles_and_never_sees_the_facts()
    {
        var company = (await CreateCompanyAsync(Client, new { name = "Private Ltd" })).GetProperty("id").GetGuid();
        var person = await NewPersonAsync();
        await api.DeliverAsync(Facts.Order(_tenant, person, 10m, company: company));
        var stranger = api.ClientFor(NewTenant());

        var profile = await stranger.GetAsync($"/api/v1/people/{person}/profile", Token);
        var companyProfile = await stranger.GetAsync($"/api/v1/companies/{company}/profile", Token);
        var timeline = await stranger.GetAsync($"/api/v1/people/{person}/timeline", Token);
        var byValue = await ReadJsonAsync(await stranger.GetAsync("/api/v1/people?sort=-lifetimeValue&currency=EUR", Token));

        Assert.Equal(HttpStatusCode.NotFound, profile.StatusCode);
        Assert.Equal("application/problem+json", profile.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, companyProfile.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, timeline.StatusCode);
        Assert.Empty(byValue.GetProperty("items").EnumerateArray());
        Assert.Equal(["10.00 EUR"], Revenue(await ProfileAsync(person)));
    }

    [Fact]
    public async Task Export_holds_the_profile_and_the_facts()
    {
        var person = await NewPersonAsync();
        await api.DeliverAsync(Facts.Order(_tenant, person, 10m));
        await api.DeliverAsync(Facts.Payment(_tenant, person, 12m, Start.AddDays(1)));

        var export = await ReadJsonAsync(await Client.GetAsync($"/api/v1/people/{person}/export", Token));

        Assert.Equal(["10.00 EUR"], Revenue(export.GetProperty("customerProfile")));
        Assert.Equal(["payment", "order"], export.GetProperty("customerFacts").EnumerateArray().Select(f => f.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Erase_removes_the_facts_and_the_profile()
    {
        var person = await NewPersonAsync();
        await api.DeliverAsync(Facts.Order(_tenant, person, 10m));
        await api.DeliverAsync(Facts.Ticket(_tenant, person));
        Assert.Equal(2, await CountAsync(api, "SELECT count(*) FROM customer_facts WHERE person_id = $1", person));

        var erased = await Client.PostAsync($"/api/v1/people/{person}/erase", null, Token);

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal(0, await CountAsync(api, "SELECT count(*) FROM customer_facts WHERE person_id = $1", person));
        Assert.Equal(0, await CountAsync(api, "SELECT count(*) FROM customer_profiles WHERE person_id = $1", person));
        Assert.Equal(0, await CountAsync(api, "SELECT count(*) FROM customer_revenues WHERE person_id = $1", person));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/v1/people/{person}/profile", Token)).StatusCode);
        // A fact published before the erasure and delivered after it does not bring the person's data back.
        await api.DeliverAsync(Facts.Order(_tenant, person, 20m));
        Assert.Equal(0, await CountAsync(api, "SELECT count(*) FROM customer_facts WHERE person_id = $1", person));
    }

    [Fact]
    public async Task Deleting_a_person_removes_their_facts_and_profile()
    {
        var person = await NewPersonAsync();
        await api.DeliverAsync(Facts.Order(_tenant, person, 10m));

        var deleted = await Client.DeleteAsync($"/api/v1/people/{person}", Token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0, await CountAsync(api, "SELECT count(*) FROM customer_facts WHERE person_id = $1", person));
        Assert.Equal(0, await CountAsync(api, "SELECT count(*) FROM customer_profiles WHERE person_id = $1", person));
    }

    [Fact]
    public async Task Merging_moves_the_facts_to_the_survivor_and_recomputes_their_profile()
    {
        var survivor = await NewPersonAsync();
        var merged = await NewPersonAsync();
        var order = Facts.Order(_tenant, merged, 40m, at: Start.AddDays(2));
        var ticket = Facts.Ticket(_tenant, survivor);
        await api.DeliverAsync(Facts.Order(_tenant, survivor, 10m));
        await api.DeliverAsync(ticket);
        await api.DeliverAsync(order);
        await api.DeliverAsync(Facts.Order(_tenant, merged, 5m, "USD", Start.AddDays(1)));
        // Facts about one person may close what was opened about the other.
        await api.DeliverAsync(Facts.Solved(ticket) with { PersonId = merged });

        await using (var scope = api.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Use(_tenant);
            var db = scope.ServiceProvider.GetRequiredService<ContactsDb>();
            await using var transaction = await db.Database.BeginTransactionAsync(Token);
            await CustomerProfiles.MergeAsync(db, survivor, merged, Token);
            await db.SaveChangesAsync(Token);
            await transaction.CommitAsync(Token);
        }

        var profile = await ProfileAsync(survivor);
        Assert.Equal(["50.00 EUR", "5.00 USD"], Revenue(profile));
        Assert.Equal(3, profile.GetProperty("orderCount").GetInt32());
        Assert.Equal("2026-03-04T09:00:00Z", profile.GetProperty("lastOrderAt").GetString());
        Assert.Equal(0, profile.GetProperty("openTickets").GetInt32());
        Assert.Equal(5, await CountAsync(api, "SELECT count(*) FROM customer_facts WHERE person_id = $1", survivor));
        Assert.Equal(0, await CountAsync(api, "SELECT count(*) FROM customer_facts WHERE person_id = $1", merged));
        Assert.Equal(0, await CountAsync(api, "SELECT count(*) FROM customer_profiles WHERE person_id = $1", merged));
        Assert.Equal(0, await CountAsync(api, "SELECT count(*) FROM customer_revenues WHERE person_id = $1", merged));
    }

    [Fact]
    public async Task A_merge_through_the_api_moves_the_facts_and_a_later_fact_naming_the_merged_person_counts_for_the_survivor()
    {
        var survivor = await NewPersonAsync();
        var merged = await NewPersonAsync();
        await api.DeliverAsync(Facts.Order(_tenant, merged, 40m));

        var response = await Client.PostAsJsonAsync($"/api/v1/people/{survivor}/merge", new { duplicateIds = new[] { merged } }, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["40.00 EUR"], Revenue(await ProfileAsync(survivor)));

        await api.DeliverAsync(Facts.Order(_tenant, merged, 2m, at: Start.AddDays(3)));

        var profile = await ProfileAsync(survivor);
        Assert.Equal(["42.00 EUR"], Revenue(profile));
        Assert.Equal(2, profile.GetProperty("orderCount").GetInt32());
    }

    private static string Describe(JsonElement item)
    {
        var kind = item.GetProperty("kind").GetString()!;
        return kind == "activity" ? kind : $"{kind}:{item.GetProperty(kind).GetProperty("event").GetString()}";
    }

    private async Task<Guid> NewPersonAsync(HttpClient? client = null) =>
        (await CreatePersonAsync(client ?? Client, new { firstName = "Ada", lastName = "Lovelace" })).GetProperty("id").GetGuid();

    private async Task<JsonElement> ProfileAsync(Guid person)
    {
        var response = await Client.GetAsync($"/api/v1/people/{person}/profile", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    private async Task<JsonElement> TimelineAsync(Guid person, string query = "")
    {
        var response = await Client.GetAsync($"/api/v1/people/{person}/timeline?{query}", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }
}
