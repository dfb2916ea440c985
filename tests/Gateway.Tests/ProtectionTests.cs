using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace CrmCloud.Gateway.Tests;

public sealed class ProtectionTests(GatewaySystem system) : IClassFixture<GatewaySystem>
{
    private static readonly string[] ReadContacts = ["contacts:read"];

    [Fact]
    public async Task A_keys_rate_limit_is_shared_between_two_gateways_with_429_and_headers()
    {
        var tenant = system.LimitedTenant("key");
        var secret = (await system.CreateKeyAsync(tenant, ReadContacts)).GetProperty("secret").GetString()!;
        using var first = system.First.WithApiKey(secret);
        using var second = system.Second.WithApiKey(secret);

        // The tiny plan allows a key 3 requests: two on one gateway, one on the other, then the fourth is refused.
        var answers = new List<HttpResponseMessage>
        {
            await first.GetAsync("/api/v1/people", TestContext.Current.CancellationToken),
            await second.GetAsync("/api/v1/people", TestContext.Current.CancellationToken),
            await first.GetAsync("/api/v1/people", TestContext.Current.CancellationToken),
        };
        var refused = await second.GetAsync("/api/v1/people", TestContext.Current.CancellationToken);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal(["2", "1", "0"], answers.Select(answer => Header(answer, "RateLimit-Remaining")));
        Assert.All(answers, answer => Assert.Equal("3", Header(answer, "RateLimit-Limit")));
        Assert.All(answers, answer => Assert.True(int.Parse(Header(answer, "RateLimit-Reset")!, System.Globalization.CultureInfo.InvariantCulture) > 0));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal("0", Header(refused, "RateLimit-Remaining"));
    }

    [Fact]
    public async Task A_tenants_rate_limit_counts_every_caller_of_the_tenant_on_every_gateway()
    {
        var tenant = system.LimitedTenant("tenant");
        using var first = system.First.WithBearer(tenant);
        using var second = system.Second.WithBearer(tenant);

        // The tiny plan allows the tenant 6 requests, whoever makes them and through whichever gateway.
        var statuses = new List<HttpStatusCode>();
        for (var request = 0; request < 6; request++)
        {
            statuses.Add((await (request % 2 == 0 ? first : second).GetAsync("/api/v1/people", TestContext.Current.CancellationToken)).StatusCode);
        }

        var refused = await first.GetAsync("/api/v1/people", TestContext.Current.CancellationToken);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("6", Header(refused, "RateLimit-Limit"));
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_stopped_service_gets_a_problem_naming_its_area_then_an_open_circuit()
    {
        using var client = system.First.WithBearer($"tenant-{Guid.NewGuid():N}");

        // Sales listens nowhere: each try fails at once, and the third opens its circuit.
        var failures = new List<HttpResponseMessage>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            failures.Add(await client.GetAsync("/api/v1/leads", TestContext.Current.CancellationToken));
        }

        var shortCircuited = await client.GetAsync("/api/v1/opportunities", TestContext.Current.CancellationToken);

        Assert.All(failures, failure => Assert.Equal(HttpStatusCode.BadGateway, failure.StatusCode));
        var problem = await failures[0].Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains("sales", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, shortCircuited.StatusCode);
        Assert.NotNull(shortCircuited.Headers.RetryAfter?.Delta);
        var open = await shortCircuited.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains("sales", open.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_that_does_not_answer_gets_a_timeout_problem_naming_its_area_not_a_hang()
    {
        using var client = system.First.WithBearer($"tenant-{Guid.NewGuid():N}");
        client.Timeout = TimeSpan.FromSeconds(20);

        var response = await client.GetAsync("/api/v1/invoices", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains("billing", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem()
    {
        using var client = system.First.WithBearer($"tenant-{Guid.NewGuid():N}");
        using var body = new StringContent($$"""{ "lastName": "{{new string('x', 2 * 1024 * 1024)}}" }""", Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/api/v1/people", body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_preflight_from_a_configured_origin_is_allowed_and_from_another_is_not()
    {
        using var client = system.First.Anonymous();

        var allowed = await client.SendAsync(Preflight("https://app.example.com"), TestContext.Current.CancellationToken);
        var stranger = await client.SendAsync(Preflight("https://evil.example.com"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://app.example.com", Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Contains("PATCH", Header(allowed, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Null(Header(stranger, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers()
    {
        using var anonymous = system.First.Anonymous();

        var refused = await anonymous.GetAsync("/api/v1/people", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("nosniff", Header(refused, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(refused, "Referrer-Policy"));
        Assert.Equal("frame-ancestors 'none'", Header(refused, "Content-Security-Policy"));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/people/0196c5a0-0000-7000-8000-000000000000");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "PATCH");
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, if-match");
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
