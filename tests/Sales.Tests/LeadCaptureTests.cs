using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

/// <summary>The sales service with a clock the tests set, so rate windows and the duplicate window are exact.</summary>
public sealed class CaptureApi(ServersFixture servers) : ServiceFactory<SalesDb>(servers.Servers, "salesdb")
{
    public TestClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class TestClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 3, 2, 9, 0, 10, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

public sealed class LeadCaptureTests(CaptureApi api) : IClassFixture<CaptureApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_form_shows_its_key_once_and_captures_json_and_url_encoded_submissions_as_web_form_leads()
    {
        var campaign = Guid.CreateVersion7();
        var created = await CreateAsync(Client, "/api/v1/lead-forms", new
        {
            name = "Contact us", defaultOwnerId = "sam", campaignId = campaign, allowedFields = (string[])["firstName", "lastName", "companyName"], redirectUrl = "https://example.com/thanks",
        });
        var key = created.GetProperty("key").GetString()!;
        var formId = created.GetProperty("id").GetGuid();
        var read = await ReadJsonAsync(await Client.GetAsync($"/api/v1/lead-forms/{formId}", Token));
        using var anonymous = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var json = await anonymous.PostAsJsonAsync(created.GetProperty("capturePath").GetString(), new { email = "ada@example.com", firstName = "Ada", lastName = "Lovelace", message = "not allowed", website = "" }, Token);
        var encoded = await anonymous.PostAsync(
            $"/api/v1/lead-capture/{key}", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "grace@example.com", ["companyName"] = "Navy", ["submit"] = "Send" }), Token);

        Assert.Equal(["email", "firstName", "lastName", "companyName"], created.GetProperty("allowedFields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(key[^4..], read.GetProperty("keyHint").GetString());
        Assert.False(read.TryGetProperty("key", out _), "The key is shown once.");
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM lead_forms WHERE key_hash = $1 OR key_hint = $1", key));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM lead_forms WHERE key_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')", key));
        Assert.Equal(HttpStatusCode.Accepted, json.StatusCode);
        Assert.Equal(HttpStatusCode.Found, encoded.StatusCode);
        Assert.Equal("https://example.com/thanks", encoded.Headers.Location?.OriginalString);
        var leads = (await ReadJsonAsync(await Client.GetAsync($"/api/v1/leads?formId={formId}", Token))).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, leads.Count);
        Assert.All(leads, lead =>
        {
            Assert.Equal("web-form", lead.GetProperty("source").GetString());
            Assert.Equal(campaign, lead.GetProperty("campaignId").GetGuid());
            Assert.Equal("sam", lead.GetProperty("ownerId").GetString());
            Assert.Equal("new", lead.GetProperty("status").GetString());
        });
        Assert.Equal("Lovelace", leads[0].GetProperty("lastName").GetString());
        Assert.False(leads[0].TryGetProperty("message", out _), "A field the form does not allow is not captured.");
        Assert.Equal("Navy", leads[1].GetProperty("companyName").GetString());
        Assert.Equal(2, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Sales.LeadCreated' AND tenant_id = $1", _tenant));
    }

    [Fact]
    public async Task A_filled_honeypot_and_a_repeated_email_within_a_day_store_no_second_lead()
    {
        var (formId, key) = await CreateFormAsync();
        using var anonymous = api.CreateClient();
        var path = $"/api/v1/lead-capture/{key}";
        api.Clock.Now = new DateTimeOffset(2026, 3, 3, 9, 0, 10, TimeSpan.Zero);

        var bot = await anonymous.PostAsJsonAsync(path, new { email = "bot@example.com", website = "http://spam.example" }, Token);
        var first = await anonymous.PostAsJsonAsync(path, new { email = "ada@example.com", lastName = "Lovelace" }, Token);
        api.Clock.Now += TimeSpan.FromHours(23);
        var again = await anonymous.PostAsJsonAsync(path, new { email = "ADA@example.com", lastName = "Byron" }, Token);

        Assert.Equal(HttpStatusCode.Accepted, bot.StatusCode);
        Assert.Equal((await ReadJsonAsync(first)).GetRawText(), (await ReadJsonAsync(bot)).GetRawText());
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var leads = await LeadsOfAsync(formId);
        Assert.Equal("Lovelace", Assert.Single(leads).GetProperty("lastName").GetString());
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM leads WHERE lower(email) = 'bot@example.com'"));

        api.Clock.Now += TimeSpan.FromHours(2);
        var nextDay = await anonymous.PostAsJsonAsync(path, new { email = "ada@example.com", lastName = "Lovelace" }, Token);

        Assert.Equal(HttpStatusCode.Accepted, nextDay.StatusCode);
        Assert.Equal(2, (await LeadsOfAsync(formId)).Count);
    }

    [Fact]
    public async Task A_form_past_its_rate_limit_answers_429_with_retry_after_until_the_next_minute()
    {
        var (formId, key) = await CreateFormAsync(rateLimitPerMinute: 2);
        using var anonymous = api.CreateClient();
        var path = $"/api/v1/lead-capture/{key}";
        api.Clock.Now = new DateTimeOffset(2026, 3, 4, 9, 0, 10, TimeSpan.Zero);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await anonymous.PostAsJsonAsync(path, new { email = $"person{i}@example.com", lastName = "Doe" }, Token)).StatusCode);
        }

        api.Clock.Now += TimeSpan.FromSeconds(20);
        var limited = await anonymous.PostAsJsonAsync(path, new { email = "late@example.com", lastName = "Doe" }, Token);
        api.Clock.Now += TimeSpan.FromSeconds(30);
        var nextMinute = await anonymous.PostAsJsonAsync(path, new { email = "next@example.com", lastName = "Doe" }, Token);

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(30), limited.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Accepted, nextMinute.StatusCode);
        Assert.Equal(3, (await LeadsOfAsync(formId)).Count);
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM lead_capture_windows WHERE form_id = $1", formId));
    }

    [Fact]
    public async Task Rotated_inactive_and_unknown_keys_are_404_and_bad_submissions_are_named_problems()
    {
        var (formId, key) = await CreateFormAsync();
        using var anonymous = api.CreateClient();
        var rotated = await Client.PostAsync($"/api/v1/lead-forms/{formId}/rotate-key", null, Token);
        var newKey = (await ReadJsonAsync(rotated)).GetProperty("key").GetString()!;

        var old = await anonymous.PostAsJsonAsync($"/api/v1/lead-capture/{key}", new { email = "a@example.com" }, Token);
        var unknown = await anonymous.PostAsJsonAsync("/api/v1/lead-capture/lf_nothing", new { email = "a@example.com" }, Token);
        var badEmail = await anonymous.PostAsJsonAsync($"/api/v1/lead-capture/{newKey}", new { email = "nope", lastName = "Doe" }, Token);
        var noEmail = await anonymous.PostAsJsonAsync($"/api/v1/lead-capture/{newKey}", new { lastName = "Doe" }, Token);
        var notJson = await anonymous.PostAsync($"/api/v1/lead-capture/{newKey}", new StringContent("{ nope", System.Text.Encoding.UTF8, "application/json"), Token);
        var text = await anonymous.PostAsync($"/api/v1/lead-capture/{newKey}", new StringContent("email=a@example.com"), Token);
        var deactivated = await SendAsync(Client, HttpMethod.Patch, $"/api/v1/lead-forms/{formId}", """{ "active": false }""");
        var inactive = await anonymous.PostAsJsonAsync($"/api/v1/lead-capture/{newKey}", new { email = "a@example.com" }, Token);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(key, newKey);
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        Assert.Equal("application/problem+json", old.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(["email"], await ErrorFieldsAsync(badEmail));
        Assert.Equal(["email"], await ErrorFieldsAsync(noEmail));
        Assert.Equal(["body"], await ErrorFieldsAsync(notJson));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, inactive.StatusCode);
        Assert.Empty(await LeadsOfAsync(formId));
    }

    [Fact]
    public async Task Lead_forms_are_validated_and_another_tenant_gets_404()
    {
        var invalid = await Client.PostAsJsonAsync("/api/v1/lead-forms", new { name = "", allowedFields = (string[])["email", "salary"], rateLimitPerMinute = 0, redirectUrl = "ftp://example.com" }, Token);
        var (formId, _) = await CreateFormAsync();
        var path = $"/api/v1/lead-forms/{formId}";
        var stranger = api.ClientFor(NewTenant());

        Assert.Equal(["allowedFields[1]", "name", "rateLimitPerMinute", "redirectUrl"], (await ErrorFieldsAsync(invalid)).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(path, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(stranger, HttpMethod.Patch, path, """{ "name": "Mine" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"{path}/rotate-key", null, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync(path, Token)).StatusCode);
        Assert.Empty((await ReadJsonAsync(await stranger.GetAsync("/api/v1/lead-forms", Token))).GetProperty("items").EnumerateArray());
        Assert.Equal(["rateLimitPerMinute"], await ErrorFieldsAsync(await SendAsync(Client, HttpMethod.Patch, path, """{ "rateLimitPerMinute": null }""")));
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync(path, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(path, Token)).StatusCode);
    }

    private async Task<(Guid Id, string Key)> CreateFormAsync(int rateLimitPerMinute = 60)
    {
        var form = await CreateAsync(Client, "/api/v1/lead-forms", new { name = "Newsletter", rateLimitPerMinute });
        return (form.GetProperty("id").GetGuid(), form.GetProperty("key").GetString()!);
    }

    private async Task<List<JsonElement>> LeadsOfAsync(Guid formId) =>
        (await ReadJsonAsync(await Client.GetAsync($"/api/v1/leads?formId={formId}", Token))).GetProperty("items").EnumerateArray().ToList();
}
