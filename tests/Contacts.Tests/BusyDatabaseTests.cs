using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CrmCloud.Platform.Data;
using CrmCloud.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>A request that finds no database connection free in time is told to come back, not given a 500.</summary>
public sealed class BusyDatabaseTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    [Fact]
    public async Task A_request_that_waits_too_long_for_a_connection_is_answered_503_with_retry_after()
    {
        // The same service with a pool that gives up after one second instead of fifteen (a pool of its own).
        await using var impatient = api.WithWebHostBuilder(builder =>
            builder.UseSetting("ConnectionStrings:contactsdb", api.DatabaseConnectionString + ";Timeout=1"));
        var tenant = NewTenant();
        using var client = impatient.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.Token(tenant));
        HttpResponseMessage response;
        await using (await HeldConnections.HoldAllAsync(impatient.Services, TestContext.Current.CancellationToken))
        {
            response = await client.PostAsJsonAsync("/api/v1/people", new { lastName = "Turned Away" }, TestContext.Current.CancellationToken);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(TransientDatabaseErrorHandler.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));

        // With the connections back, the same request is taken.
        var again = await client.PostAsJsonAsync("/api/v1/people", new { lastName = "Turned Away" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }
}
