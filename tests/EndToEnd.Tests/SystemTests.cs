using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;

[assembly: AssemblyFixture(typeof(RunningSystem))]

namespace CrmCloud.EndToEnd.Tests;

public sealed class SystemTests(RunningSystem system)
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(60);
    private static readonly string[] ReadContacts = ["contacts:read"];

    [Fact]
    public async Task The_gateway_is_ready_and_refuses_a_stranger()
    {
        using var anonymous = new HttpClient { BaseAddress = system.Gateway };

        var ready = await anonymous.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var people = await anonymous.GetAsync("/api/v1/people", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, people.StatusCode);
    }

    [Fact]
    public async Task A_public_resource_lets_a_stranger_through_to_its_service()
    {
        using var anonymous = new HttpClient { BaseAddress = system.Gateway };

        // No form has this key: the service, not the gateway, answers, so the stranger was let through.
        var capture = await anonymous.GetAsync("/api/v1/lead-capture/no-such-form", TestContext.Current.CancellationToken);
        var privateResource = await anonymous.GetAsync("/api/v1/lead-forms", TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.Unauthorized, capture.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, capture.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, privateResource.StatusCode);
    }

    [Fact]
    public async Task An_unknown_resource_is_a_404_problem_from_the_gateway()
    {
        using var client = await system.ClientForAsync($"e2e-{Guid.NewGuid():N}");

        var response = await client.GetAsync("/api/v1/widgets", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Each_service_publishes_its_openapi_document_through_the_gateway()
    {
        using var anonymous = new HttpClient { BaseAddress = system.Gateway };

        foreach (var area in new[] { "contacts", "sales", "campaign", "support", "billing", "integrations" })
        {
            var document = await anonymous.GetFromJsonAsync<JsonElement>($"/openapi/{area}.json", TestContext.Current.CancellationToken);
            Assert.True(document.GetProperty("paths").EnumerateObject().Any(), $"The {area} document lists no paths.");
        }
    }

    [Fact]
    public async Task A_partner_key_made_by_an_administrator_reads_through_the_gateway_until_it_is_revoked()
    {
        using var admin = await system.ClientForAsync($"e2e-{Guid.NewGuid():N}");
        var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "Webshop sync", scopes = ReadContacts }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        using var partner = new HttpClient { BaseAddress = system.Gateway };
        partner.DefaultRequestHeaders.Add("X-Api-Key", key.GetProperty("secret").GetString());

        var read = await partner.GetAsync("/api/v1/people", TestContext.Current.CancellationToken);
        var write = await partner.PostAsJsonAsync("/api/v1/people", new { lastName = "Partner" }, TestContext.Current.CancellationToken);
        var revoked = await admin.PostAsync($"/api/v1/api-keys/{key.GetProperty("id")}/revoke", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await Eventually.Until(
            async () => (await partner.GetAsync("/api/v1/people")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(5),
            "the gateway to refuse the revoked key");
    }

    [Fact]
    public async Task A_person_created_through_the_gateway_reaches_every_other_service()
    {
        using var client = await system.ClientForAsync($"e2e-{Guid.NewGuid():N}");

        var personId = await CreatePersonAsync(client, """{ "firstName": "Katherine", "lastName": "Johnson", "email": "katherine@example.com" }""");

        await Task.WhenAll(
            CopyAppearsAsync(client, "customers", personId, "name", "Katherine Johnson"),
            CopyAppearsAsync(client, "audience-members", personId, "email", "katherine@example.com"),
            CopyAppearsAsync(client, "requesters", personId, "name", "Katherine Johnson"),
            CopyAppearsAsync(client, "billing-accounts", personId, "billingName", "Katherine Johnson"));
    }

    [Fact]
    public async Task A_change_to_a_person_reaches_every_other_service()
    {
        using var client = await system.ClientForAsync($"e2e-{Guid.NewGuid():N}");
        var personId = await CreatePersonAsync(client, """{ "firstName": "Dorothy", "lastName": "Vaughan" }""");
        await CopyAppearsAsync(client, "billing-accounts", personId, "billingName", "Dorothy Vaughan");

        using var patch = new StringContent("""{ "lastName": "Johnson Vaughan", "email": "dorothy@example.com" }""", Encoding.UTF8, "application/merge-patch+json");
        var patched = await client.PatchAsync($"/api/v1/people/{personId}", patch, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        await Task.WhenAll(
            CopyAppearsAsync(client, "customers", personId, "name", "Dorothy Johnson Vaughan"),
            CopyAppearsAsync(client, "audience-members", personId, "email", "dorothy@example.com"),
            CopyAppearsAsync(client, "requesters", personId, "email", "dorothy@example.com"),
            CopyAppearsAsync(client, "billing-accounts", personId, "billingName", "Dorothy Johnson Vaughan"));
    }

    [Fact]
    public async Task A_deleted_person_leaves_every_other_service()
    {
        using var client = await system.ClientForAsync($"e2e-{Guid.NewGuid():N}");
        var personId = await CreatePersonAsync(client, """{ "firstName": "Mary", "lastName": "Jackson" }""");
        await CopyAppearsAsync(client, "requesters", personId, "name", "Mary Jackson");

        var deleted = await client.DeleteAsync($"/api/v1/people/{personId}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await Task.WhenAll(
            CopyIsGoneAsync(client, "customers", personId),
            CopyIsGoneAsync(client, "audience-members", personId),
            CopyIsGoneAsync(client, "requesters", personId),
            CopyIsGoneAsync(client, "billing-accounts", personId));
    }

    [Fact]
    public async Task An_erased_person_leaves_every_other_service()
    {
        using var client = await system.ClientForAsync($"e2e-{Guid.NewGuid():N}");
        var personId = await CreatePersonAsync(client, """{ "firstName": "Annie", "lastName": "Easley", "email": "annie@example.com" }""");
        await CopyAppearsAsync(client, "billing-accounts", personId, "billingName", "Annie Easley");

        var erased = await client.PostAsync($"/api/v1/people/{personId}/erase", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/people/{personId}/export", TestContext.Current.CancellationToken)).StatusCode);
        await Task.WhenAll(
            CopyIsGoneAsync(client, "customers", personId),
            CopyIsGoneAsync(client, "audience-members", personId),
            CopyIsGoneAsync(client, "requesters", personId),
            CopyIsGoneAsync(client, "billing-accounts", personId));
    }

    [Fact]
    public async Task A_merge_through_the_gateway_leaves_one_copy_of_the_survivor_in_every_other_service()
    {
        using var client = await system.ClientForAsync($"e2e-{Guid.NewGuid():N}");
        var survivorId = await CreatePersonAsync(client, """{ "firstName": "Katherine", "lastName": "Johnson" }""");
        var duplicateId = await CreatePersonAsync(client, """{ "firstName": "Katherine", "lastName": "Goble", "email": "katherine@example.com" }""");
        await CopyAppearsAsync(client, "billing-accounts", duplicateId, "billingName", "Katherine Goble");

        var merged = await client.PostAsync(
            $"/api/v1/people/{survivorId}/merge",
            new StringContent($$"""{ "duplicateIds": ["{{duplicateId}}"] }""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        await Task.WhenAll(
            CopyIsGoneAsync(client, "customers", duplicateId),
            CopyIsGoneAsync(client, "audience-members", duplicateId),
            CopyIsGoneAsync(client, "requesters", duplicateId),
            CopyIsGoneAsync(client, "billing-accounts", duplicateId),
            CopyAppearsAsync(client, "billing-accounts", survivorId, "email", "katherine@example.com"));
    }

    [Fact]
    public async Task A_post_repeated_with_the_same_idempotency_key_creates_one_person()
    {
        using var client = await system.ClientForAsync($"e2e-{Guid.NewGuid():N}");
        var key = Guid.NewGuid().ToString();

        var first = await PostWithKeyAsync(client, key, """{ "lastName": "Once" }""");
        var repeat = await PostWithKeyAsync(client, key, """{ "lastName": "Once" }""");
        var changed = await PostWithKeyAsync(client, key, """{ "lastName": "Other" }""");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await repeat.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.StatusCode);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/people", TestContext.Current.CancellationToken);
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_lead_converted_through_the_gateway_becomes_a_person_and_a_second_lead_with_its_email_links_the_same_person()
    {
        using var client = await system.ClientForAsync($"e2e-{Guid.NewGuid():N}");
        using var anonymous = new HttpClient { BaseAddress = system.Gateway };
        var form = await client.PostAsJsonAsync("/api/v1/lead-forms", new { name = "Demo request" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, form.StatusCode);
        var capturePath = (await form.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("capturePath").GetString();

        var captured = await anonymous.PostAsJsonAsync(capturePath, new { email = "Mary@Jackson.example", firstName = "Mary", lastName = "Jackson", companyName = "Langley" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, captured.StatusCode);
        var leads = await client.GetFromJsonAsync<JsonElement>("/api/v1/leads?email=mary@jackson.example", TestContext.Current.CancellationToken);
        var first = leads.GetProperty("items")[0].GetProperty("id").GetGuid();
        var firstPerson = await ConvertAsync(client, first, """{ "opportunity": { "amount": { "amount": "5000", "currency": "USD" } } }""");

        var person = await client.GetFromJsonAsync<JsonElement>($"/api/v1/people/{firstPerson}", TestContext.Current.CancellationToken);
        Assert.Equal("Jackson", person.GetProperty("lastName").GetString());
        Assert.Equal("Mary@Jackson.example", person.GetProperty("email").GetString());
        var opportunities = await client.GetFromJsonAsync<JsonElement>($"/api/v1/opportunities?leadId={first}", TestContext.Current.CancellationToken);
        var opportunity = Assert.Single(opportunities.GetProperty("items").EnumerateArray());
        Assert.Equal(firstPerson, opportunity.GetProperty("personId").GetGuid());
        Assert.Equal("web-form", opportunity.GetProperty("source").GetString());

        var second = await client.PostAsJsonAsync("/api/v1/leads", new { lastName = "Jackson", email = "mary@jackson.example", source = "partner" }, TestContext.Current.CancellationToken);
        var secondPerson = await ConvertAsync(client, (await second.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid(), "{}");

        Assert.Equal(firstPerson, secondPerson);
        var people = await client.GetFromJsonAsync<JsonElement>("/api/v1/people", TestContext.Current.CancellationToken);
        Assert.Single(people.GetProperty("items").EnumerateArray());
    }

    /// <summary>Converts the lead and waits for contacts' answer; returns the person it became.</summary>
    private static async Task<Guid> ConvertAsync(HttpClient client, Guid leadId, string json)
    {
        using var body = new StringContent(json, Encoding.UTF8, "application/json");
        var accepted = await client.PostAsync($"/api/v1/leads/{leadId}/convert", body, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        return (Guid)await Eventually.Until<object>(
            async () =>
            {
                var lead = await client.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{leadId}");
                return lead.GetProperty("status").GetString() == "converted" ? lead.GetProperty("conversion").GetProperty("personId").GetGuid() : null;
            },
            Propagation,
            $"lead {leadId} to be converted in contacts");
    }

    private static async Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/people") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<Guid> CreatePersonAsync(HttpClient client, string json)
    {
        using var body = new StringContent(json, Encoding.UTF8, "application/json");
        var created = await client.PostAsync("/api/v1/people", body, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
    }

    private static Task CopyIsGoneAsync(HttpClient client, string resource, Guid personId) =>
        Eventually.Until(
            async () => (await client.GetFromJsonAsync<JsonElement>($"/api/v1/{resource}?personId={personId}")).GetProperty("items").GetArrayLength() == 0,
            Propagation,
            $"the person to leave {resource}");

    private static Task CopyAppearsAsync(HttpClient client, string resource, Guid personId, string field, string expected) =>
        Eventually.Until(
            async () =>
            {
                var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/{resource}?personId={personId}");
                var items = page.GetProperty("items");
                return items.GetArrayLength() == 1 && items[0].GetProperty(field).GetString() == expected;
            },
            Propagation,
            $"the person to reach {resource}");
}
