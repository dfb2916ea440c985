using System.Net;
using System.Net.Http.Json;
using System.Text;
using CrmCloud.ServiceDefaults.Security;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

public sealed class TenancyTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    [Fact]
    public async Task Another_tenant_cannot_see_change_or_delete_a_person()
    {
        var owner = api.ClientFor(NewTenant());
        var stranger = api.ClientFor(NewTenant());
        var id = (await CreatePersonAsync(owner, new { lastName = "Private" })).GetProperty("id").GetGuid();
        var token = TestContext.Current.CancellationToken;

        var get = await stranger.GetAsync($"/api/v1/people/{id}", token);
        using var patchBody = new StringContent("""{ "lastName": "Taken" }""", Encoding.UTF8, "application/json");
        var patch = await stranger.PatchAsync($"/api/v1/people/{id}", patchBody, token);
        var delete = await stranger.DeleteAsync($"/api/v1/people/{id}", token);
        var list = await ReadJsonAsync(await stranger.GetAsync("/api/v1/people", token));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        var mine = await ReadJsonAsync(await owner.GetAsync($"/api/v1/people/{id}", token));
        Assert.Equal("Private", mine.GetProperty("lastName").GetString());
    }

    [Fact]
    public async Task A_request_without_a_token_is_a_401_problem()
    {
        var response = await api.CreateClient().GetAsync("/api/v1/people", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", DevelopmentTokens.Create(DevelopmentTokens.NewSigningKey(), NewTenant()));

        var response = await client.GetAsync("/api/v1/people", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_read_only_caller_cannot_write()
    {
        var reader = api.ClientFor(NewTenant(), Scopes.Read("contacts"));

        var read = await reader.GetAsync("/api/v1/people", TestContext.Current.CancellationToken);
        var write = await reader.PostAsJsonAsync("/api/v1/people", new { lastName = "Refused" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }
}
