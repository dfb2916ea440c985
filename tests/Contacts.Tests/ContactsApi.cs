using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;

[assembly: AssemblyFixture(typeof(ServersFixture))]

namespace CrmCloud.Contacts.Tests;

/// <summary>The contacts service on its own database and virtual host, shared by one test class.</summary>
public sealed class ContactsApi(ServersFixture servers) : ServiceFactory<ContactsDb>(servers.Servers, "contactsdb")
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A tenant no other test uses, so tests sharing the database never see each other's data.</summary>
    public static string NewTenant() => $"tenant-{Guid.NewGuid():N}";

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Json);

    public static async Task<JsonElement> CreatePersonAsync(HttpClient client, object person)
    {
        var response = await client.PostAsJsonAsync("/api/v1/people", person);
        response.EnsureSuccessStatusCode();
        return await ReadJsonAsync(response);
    }

    public static async Task<JsonElement> CreateCompanyAsync(HttpClient client, object company)
    {
        var response = await client.PostAsJsonAsync("/api/v1/companies", company);
        response.EnsureSuccessStatusCode();
        return await ReadJsonAsync(response);
    }

    /// <summary>Sends a JSON merge patch, with <c>If-Match</c> when <paramref name="ifMatch"/> is given.</summary>
    public static async Task<HttpResponseMessage> PatchAsync(
        HttpClient client, string path, string json, string contentType = "application/merge-patch+json", string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, contentType),
        };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(ifMatch));
        }

        return await client.SendAsync(request);
    }
}
