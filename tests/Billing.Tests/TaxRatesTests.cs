using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class TaxRatesTests(BillingApi api) : IClassFixture<BillingApi>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_tax_rate_is_created_read_changed_listed_and_deleted()
    {
        var client = api.ApiClient(_tenant);
        var created = await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/tax-rates", new { name = "VAT", rate = 0.19m, country = "de" }, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(0.19m, created.GetProperty("rate").GetDecimal());
        Assert.Equal("DE", created.GetProperty("country").GetString());
        Assert.True(created.GetProperty("active").GetBoolean());

        var patched = await BillingApi.SendAsync(client, HttpMethod.Patch, $"/api/v1/tax-rates/{id}", new { rate = 0.07m, active = false }, HttpStatusCode.OK);
        Assert.Equal(0.07m, patched.GetProperty("rate").GetDecimal());
        Assert.Equal(2, patched.GetProperty("version").GetInt64());

        var inactive = await client.GetFromJsonAsync<JsonElement>("/api/v1/tax-rates?active=false", Ct);
        Assert.Equal(id, Assert.Single(inactive.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        using var stale = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/tax-rates/{id}");
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(stale, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/tax-rates/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/tax-rates/{id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Bad_rates_are_refused_naming_the_field()
    {
        var client = api.ApiClient(_tenant);
        var problem = await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/tax-rates", new { name = " ", rate = 1.5m, country = "XX" }, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("rate", out _));
        Assert.True(errors.TryGetProperty("country", out _));
    }

    [Fact]
    public async Task Another_tenant_gets_404()
    {
        var created = await BillingApi.SendAsync(api.ApiClient(_tenant), HttpMethod.Post, "/api/v1/tax-rates", new { name = "VAT", rate = 0.2m }, HttpStatusCode.Created);
        var other = api.ApiClient($"tenant-{Guid.NewGuid():N}");
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/tax-rates/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/tax-rates/{id}", Ct)).StatusCode);
    }
}
