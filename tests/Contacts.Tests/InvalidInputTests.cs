using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>Bad input gets a problem response naming the field, and writes nothing.</summary>
public sealed class InvalidInputTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var response = await PostRawAsync("""{ "lastName": "Unclosed" """);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("JSON", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task Missing_last_name_is_a_validation_problem_naming_the_field()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/people", new { firstName = "Only" }, TestContext.Current.CancellationToken);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("lastName", out _));
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("two@@example.com")]
    [InlineData("Name <name@example.com>")]
    public async Task Invalid_email_is_a_validation_problem_naming_the_field(string email)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/people", new { lastName = "Valid", email }, TestContext.Current.CancellationToken);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_the_field()
    {
        var response = await PostRawAsync("""{ "lastName": "Typed", "email": 42 }""");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task A_nul_character_in_a_field_is_a_400_problem_naming_it()
    {
        // Found by the hostile-input sweep (tests/Reliability.Tests): PostgreSQL's text cannot hold U+0000, so it was a 500.
        var response = await PostRawAsync("""{ "lastName": "Nul\u0000Name", "tags": ["ok", "a\u0000b"] }""");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("lastName", out _));
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task A_nul_character_in_a_patch_is_a_400_problem_naming_the_field_and_changes_nothing()
    {
        var id = (await CreatePersonAsync(Client, new { lastName = "Patched" })).GetProperty("id").GetGuid();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/people/{id}")
        {
            Content = new StringContent("""{ "jobTitle": "Chief\u0000Engineer" }""", Encoding.UTF8, "application/merge-patch+json"),
        };

        var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("jobTitle", out _));
        var person = await ReadJsonAsync(await Client.GetAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken));
        Assert.Equal(1, person.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_nul_character_in_a_query_parameter_is_a_400_problem_naming_it()
    {
        var response = await Client.GetAsync("/api/v1/people?q=a%00b", TestContext.Current.CancellationToken);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("q", out _));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem()
    {
        var huge = JsonSerializer.Serialize(new { lastName = "Large", jobTitle = new string('x', 2 * 1024 * 1024) });

        var response = await PostRawAsync(huge);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task A_non_json_content_type_is_a_415_problem()
    {
        using var content = new StringContent("lastName=Form", Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await Client.PostAsync("/api/v1/people", content, TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_patch_naming_a_read_only_or_unknown_field_is_rejected_by_name()
    {
        var id = (await CreatePersonAsync(Client, new { lastName = "Patched" })).GetProperty("id").GetGuid();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/people/{id}")
        {
            Content = new StringContent("""{ "version": 9, "favouriteColour": "blue", "lastName": null }""", Encoding.UTF8, "application/merge-patch+json"),
        };

        var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("version", out _));
        Assert.True(errors.TryGetProperty("favouriteColour", out _));
        Assert.True(errors.TryGetProperty("lastName", out _));
        var person = await ReadJsonAsync(await Client.GetAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken));
        Assert.Equal(1, person.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Bad_list_parameters_are_named(string query, string field)
    {
        var response = await Client.GetAsync($"/api/v1/people?{query}", TestContext.Current.CancellationToken);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    private async Task<HttpResponseMessage> PostRawAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await Client.PostAsync("/api/v1/people", content, TestContext.Current.CancellationToken);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("title", out _));
        Assert.True(problem.TryGetProperty("traceId", out _));
        return problem;
    }

    private async Task AssertNothingWrittenAsync()
    {
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", _tenant));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1", _tenant));
    }
}
