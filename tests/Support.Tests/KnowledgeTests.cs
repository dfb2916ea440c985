using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace CrmCloud.Support.Tests;

public sealed class KnowledgeTests(SupportApi api) : IClassFixture<SupportApi>
{
    private readonly string _tenant = SupportApi.NewTenant();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A small knowledge base and, for each article, a ticket written the way customers write.</summary>
    private static readonly (string Title, string Body, string TicketSubject, string TicketText)[] Labelled =
    [
        ("Resetting your password", "If you forgot your password, use the reset link on the sign-in page. The reset email expires after one hour.",
            "Can't log in", "I forgot my password and the reset email never arrived"),
        ("Clearing a paper jam", "Open the front cover of the printer, remove the jammed paper gently and close the tray.",
            "Printer stuck", "The printer says paper jammed and won't print anything"),
        ("Getting a copy of an invoice", "Every invoice can be downloaded as PDF from the billing page; we can also email a copy.",
            "Need invoice", "Please send me a copy of last month's invoice for our accounting"),
        ("Connecting to the VPN", "Install the VPN client, sign in with your work account and choose the nearest gateway.",
            "Remote access", "Working from home, the VPN client does not connect to the gateway"),
        ("Refunds and returns", "Items can be returned within 30 days for a full refund to the original payment method.",
            "Money back?", "I want to return the headset and get a refund"),
    ];

    [Fact]
    public async Task Suggestions_find_the_right_article_for_each_labelled_ticket_and_search_ranks_the_title_first()
    {
        var client = api.ClientFor(_tenant);
        var articleIds = new List<Guid>();
        foreach (var (title, body, _, _) in Labelled)
        {
            articleIds.Add((await SupportApi.CreateAsync(client, "/api/v1/kb-articles", new { title, body, category = "how-to", status = "published" })).GetProperty("id").GetGuid());
        }

        // A draft about passwords is never suggested.
        await SupportApi.CreateAsync(client, "/api/v1/kb-articles", new { title = "Password policy (draft)", body = "Password password password reset." });

        var correct = 0;
        for (var i = 0; i < Labelled.Length; i++)
        {
            var ticket = await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject = Labelled[i].TicketSubject, description = Labelled[i].TicketText, requesterEmail = "kb@example.com" });
            var suggested = await SupportApi.ItemsAsync(client, $"/api/v1/tickets/{ticket.GetProperty("id").GetGuid()}/suggested-articles");
            Assert.All(suggested, hit => Assert.Equal("published", hit.GetProperty("article").GetProperty("status").GetString()));
            if (suggested.Length > 0 && suggested[0].GetProperty("article").GetProperty("id").GetGuid() == articleIds[i])
            {
                correct++;
            }
        }

        Assert.Equal(Labelled.Length, correct);

        var hits = await SupportApi.ItemsAsync(client, "/api/v1/kb-articles/search?q=invoice");
        Assert.Equal(articleIds[2], hits[0].GetProperty("article").GetProperty("id").GetGuid());
        Assert.Empty(await SupportApi.ItemsAsync(client, "/api/v1/kb-articles/search?q=password%20-reset&status=published"));
        Assert.Equal(2, (await SupportApi.ItemsAsync(client, "/api/v1/kb-articles/search?q=password")).Length);
        Assert.Contains("q", await SupportApi.InvalidFieldsAsync(await client.GetAsync("/api/v1/kb-articles/search", Token)));
        Assert.Empty(await SupportApi.ItemsAsync(api.ClientFor(SupportApi.NewTenant()), "/api/v1/kb-articles/search?q=invoice"));
    }

    [Fact]
    public async Task Canned_responses_fill_their_placeholders_from_the_ticket_and_requester()
    {
        var client = api.ClientFor(_tenant);
        var person = await api.CreateRequesterAsync(_tenant, "ada@example.com");
        var ticket = await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject = "Broken screen", requesterPersonId = person });
        Assert.Contains("body", await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync("/api/v1/canned-responses", new { title = "Bad", body = "Hi {{customer.nickname}}" }, Token)));

        var canned = await SupportApi.CreateAsync(client, "/api/v1/canned-responses", new { title = "Ack", body = "Hello {{requester.firstName}}, we are on {{ ticket.number }} ({{ticket.subject}})." });
        var rendered = await SupportApi.CreateAsync(client, $"/api/v1/canned-responses/{canned.GetProperty("id").GetGuid()}/render", new { ticketId = ticket.GetProperty("id").GetGuid() });
        Assert.Equal($"Hello Ada, we are on {ticket.GetProperty("number").GetString()} (Broken screen).", rendered.GetProperty("body").GetString());

        var stranger = api.ClientFor(SupportApi.NewTenant());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/canned-responses/{canned.GetProperty("id").GetGuid()}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/tickets/{ticket.GetProperty("id").GetGuid()}/suggested-articles", Token)).StatusCode);
    }

    [Fact]
    public async Task A_solved_ticket_takes_one_rating_through_its_public_survey_link()
    {
        var client = api.ClientFor(_tenant);
        var person = await api.CreateRequesterAsync(_tenant, "rater@example.com");
        var id = (await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject = "Help", requesterPersonId = person })).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/tickets/{id}/satisfaction", Token)).StatusCode);

        await SupportApi.PatchAsync(client, $"/api/v1/tickets/{id}", new { status = "solved" });
        var token = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{id}/satisfaction", Token)).GetProperty("token").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await api.ClientFor(SupportApi.NewTenant()).GetAsync($"/api/v1/tickets/{id}/satisfaction", Token)).StatusCode);

        var anonymous = api.CreateClient();
        Assert.Equal(["rating"], await SupportApi.InvalidFieldsAsync(await anonymous.PostAsJsonAsync($"/api/v1/csat/{token}", new { rating = 6 }, Token)));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsJsonAsync("/api/v1/csat/not-a-token", new { rating = 5 }, Token)).StatusCode);

        var rated = await anonymous.PostAsJsonAsync($"/api/v1/csat/{token}", new { rating = 4, comment = "Quick and kind." }, Token);
        Assert.Equal(HttpStatusCode.OK, rated.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await anonymous.PostAsJsonAsync($"/api/v1/csat/{token}", new { rating = 1 }, Token)).StatusCode);

        var survey = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{id}/satisfaction", Token);
        Assert.Equal(4, survey.GetProperty("rating").GetInt32());
        Assert.Equal(1, await api.EventsAsync("SatisfactionRated", id));

        // Solving again after a reopen issues no second survey.
        await SupportApi.PatchAsync(client, $"/api/v1/tickets/{id}", new { status = "open" });
        await SupportApi.PatchAsync(client, $"/api/v1/tickets/{id}", new { status = "solved" });
        Assert.Equal(token, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{id}/satisfaction", Token)).GetProperty("token").GetString());
    }
}
