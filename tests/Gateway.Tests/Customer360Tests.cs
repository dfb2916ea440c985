using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Gateway.Customers;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Gateway.Tests.CustomerSystemBase;

namespace CrmCloud.Gateway.Tests;

public sealed class Customer360Tests(CustomerSystem system) : IClassFixture<CustomerSystem>
{
    private static readonly TimeSpan EventsArrive = TimeSpan.FromSeconds(60);
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_360_shows_what_every_service_knows_of_the_person()
    {
        using var client = system.Client(_tenant);
        var company = (await PostAsync(client, "/api/v1/companies", new { name = "Analytical Engines Ltd" })).GetProperty("id").GetGuid();
        var person = await PersonAsync(
            client,
            new { firstName = "Ada", lastName = "Lovelace", email = $"ada-{_tenant}@example.com", companyId = company, lifecycleStage = "customer" },
            "/api/v1/customers?personId={0}", "/api/v1/requesters?personId={0}", "/api/v1/billing-accounts?personId={0}", "/api/v1/audience-members?personId={0}");
        var opportunity = await OpportunityAsync(client, person);
        var order = await OrderAsync(client, person);
        await PostAsync(client, "/api/v1/sla-policies", new { name = "Around the clock", targets = new[] { new { priority = "high", firstResponseMinutes = 60, resolutionMinutes = 240 } } });
        var ticket = (await PostAsync(client, "/api/v1/tickets", new { subject = "The engine jams", requesterPersonId = person, priority = "high" })).GetProperty("id").GetGuid();
        var invoice = await IssuedInvoiceAsync(client, person);

        var response = await client.GetAsync($"/api/v1/customers/{person}/360", Token);
        var view = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(view.GetProperty("warnings").EnumerateArray());
        Assert.Equal("Lovelace", view.GetProperty("person").GetProperty("lastName").GetString());
        Assert.Equal("Analytical Engines Ltd", view.GetProperty("company").GetProperty("name").GetString());
        Assert.Equal(opportunity, Ids(view, "openOpportunities").Single());
        Assert.Equal(order, Ids(view, "recentOrders").Single());
        var openTicket = Assert.Single(view.GetProperty("openTickets").EnumerateArray());
        Assert.Equal(ticket, openTicket.GetProperty("id").GetGuid());
        Assert.True(openTicket.TryGetProperty("firstResponseDueAt", out _), openTicket.ToString());
        Assert.True(openTicket.TryGetProperty("resolutionDueAt", out _), openTicket.ToString());
        // The order is invoiced too (billing bills each order), so the issued invoice is one of the unpaid ones.
        Assert.Contains(invoice, Ids(view, "unpaidInvoices"));
        // Campaign answered (no warning); a person's responses across campaigns are proven in Campaign.Tests (ResponsesTests).
        Assert.Empty(view.GetProperty("recentCampaignResponses").EnumerateArray());
    }

    [Fact]
    public async Task A_second_360_comes_from_the_cache_until_the_person_changes()
    {
        using var client = system.Client(_tenant);
        var person = await PersonAsync(client, new { firstName = "Grace", lastName = "Hopper" });

        var first = await client.GetAsync($"/api/v1/customers/{person}/360", Token);
        Assert.Empty((await ReadAsync(first)).GetProperty("warnings").EnumerateArray());
        var second = await client.GetAsync($"/api/v1/customers/{person}/360", Token);
        var renamed = await client.PatchAsJsonAsync($"/api/v1/people/{person}", new { lastName = "Murray Hopper" }, Token);

        Assert.Equal("miss", CacheHeader(first));
        Assert.Equal("hit", CacheHeader(second));
        Assert.Equal("Hopper", (await ReadAsync(second)).GetProperty("person").GetProperty("lastName").GetString());
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        await Eventually.Until(
            async () => (await ReadAsync(await client.GetAsync($"/api/v1/customers/{person}/360"))).GetProperty("person").GetProperty("lastName").GetString() == "Murray Hopper",
            EventsArrive,
            "the 360 to show the new name");
    }

    [Fact]
    public async Task Another_tenants_person_is_a_404_problem()
    {
        using var owner = system.Client(_tenant);
        var person = await PersonAsync(owner, new { firstName = "Alan", lastName = "Turing" });
        using var stranger = system.Client($"tenant-{Guid.NewGuid():N}");

        var response = await stranger.GetAsync($"/api/v1/customers/{person}/360", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Without_contacts_read_the_360_is_refused_with_403()
    {
        using var owner = system.Client(_tenant);
        var person = await PersonAsync(owner, new { firstName = "Katherine", lastName = "Johnson" });
        using var salesOnly = system.Client(_tenant, "sales:read", "billing:read");

        var response = await salesOnly.GetAsync($"/api/v1/customers/{person}/360", Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Without_billing_read_the_invoices_are_left_out_with_a_forbidden_warning_and_not_cached()
    {
        using var owner = system.Client(_tenant);
        var person = await PersonAsync(owner, new { firstName = "Dorothy", lastName = "Vaughan" }, "/api/v1/billing-accounts?personId={0}");
        await IssuedInvoiceAsync(owner, person);
        // The full view is cached first: a caller with fewer scopes must not be served it.
        Assert.Single(Ids(await ReadAsync(await owner.GetAsync($"/api/v1/customers/{person}/360", Token)), "unpaidInvoices"));
        using var noBilling = system.Client(_tenant, "contacts:read", "sales:read", "campaign:read", "support:read");

        var response = await noBilling.GetAsync($"/api/v1/customers/{person}/360", Token);
        var view = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("miss", CacheHeader(response));
        Assert.False(view.TryGetProperty("unpaidInvoices", out _));
        Assert.True(view.TryGetProperty("openTickets", out _));
        var warning = Assert.Single(view.GetProperty("warnings").EnumerateArray());
        Assert.Equal("billing", warning.GetProperty("area").GetString());
        Assert.Equal(WarningCodes.Forbidden, warning.GetProperty("code").GetString());
        Assert.Equal("miss", CacheHeader(await noBilling.GetAsync($"/api/v1/customers/{person}/360", Token)));
    }

    private static async Task<Guid> OpportunityAsync(HttpClient client, Guid person) =>
        (await PostAsync(client, "/api/v1/opportunities", new { name = "Difference engine", personId = person, amount = new { amount = "1200.00", currency = "EUR" } })).GetProperty("id").GetGuid();

    private static async Task<Guid> OrderAsync(HttpClient client, Guid person)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var product = (await PostAsync(client, "/api/v1/products", new { sku = $"P-{run}", name = "Punched cards", taxCategory = "standard" })).GetProperty("id").GetGuid();
        (await client.PutAsJsonAsync($"/api/v1/products/{product}/stock", new { onHand = 100 }, Token)).EnsureSuccessStatusCode();
        var priceList = (await PostAsync(client, "/api/v1/price-lists", new
        {
            name = $"List {run}",
            currency = "EUR",
            validFrom = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            prices = new[] { new { productId = product, tiers = new[] { new { minQuantity = 1, unitPrice = "9.99" } } } },
            taxRates = new[] { new { taxCategory = "standard", rate = 0.19m } },
        })).GetProperty("id").GetGuid();
        return (await PostAsync(client, "/api/v1/orders", new { personId = person, currency = "EUR", priceListId = priceList, lines = new[] { new { productId = product, quantity = 2 } } }))
            .GetProperty("id").GetGuid();
    }

    private static async Task<Guid> IssuedInvoiceAsync(HttpClient client, Guid person)
    {
        var accounts = await client.GetFromJsonAsync<JsonElement>($"/api/v1/billing-accounts?personId={person}", Token);
        var account = accounts.GetProperty("items")[0].GetProperty("id").GetGuid();
        return (await PostAsync(client, "/api/v1/invoices", new
        {
            billingAccountId = account,
            lines = new[] { new { description = "Consulting", quantity = 3m, unitPrice = "120.00" } },
            issue = true,
        })).GetProperty("id").GetGuid();
    }

    private static IEnumerable<Guid> Ids(JsonElement view, string section) =>
        view.GetProperty(section).EnumerateArray().Select(item => item.GetProperty("id").GetGuid());

    private static string? CacheHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues(CustomerEndpoints.CacheHeader, out var values) ? values.Single() : null;

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Token);
}

public sealed class Customer360OutageTests(CustomerOutageSystem system) : IClassFixture<CustomerOutageSystem>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_stopped_mid_test_leaves_its_section_out_with_a_warning_and_its_circuit_opens()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        using var client = system.Client(tenant);
        // A hang would end here; a stopped service is refused at once, so the 360 is far quicker.
        client.Timeout = TimeSpan.FromSeconds(60);
        var person = await PersonAsync(client, new { firstName = "Mary", lastName = "Jackson" }, "/api/v1/requesters?personId={0}");
        await PostAsync(client, "/api/v1/tickets", new { subject = "Wind tunnel report", requesterPersonId = person });
        var before = await client.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{person}/360", Token);
        Assert.True(before.TryGetProperty("openTickets", out var tickets), before.ToString());
        Assert.Single(tickets.EnumerateArray());

        await system.StopAsync("support");
        var during = await client.GetAsync($"/api/v1/customers/{person}/360", Token);
        var again = await client.GetAsync($"/api/v1/customers/{person}/360", Token);
        var proxied = await client.GetAsync("/api/v1/tickets", Token);

        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        var view = await during.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal("Jackson", view.GetProperty("person").GetProperty("lastName").GetString());
        Assert.False(view.TryGetProperty("openTickets", out _));
        var warnings = view.GetProperty("warnings").EnumerateArray().ToList();
        Assert.Contains(warnings, warning => warning.GetProperty("area").GetString() == "support" && warning.GetProperty("code").GetString() == WarningCodes.Unavailable);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        // Two failures opened support's circuit: the proxy refuses at once, naming the area.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, proxied.StatusCode);
        Assert.NotNull(proxied.Headers.RetryAfter);
        var problem = await proxied.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Contains("support", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }
}
