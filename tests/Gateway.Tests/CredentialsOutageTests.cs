using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Gateway.Tests;

public sealed class CredentialsOutageTests(GatewaySystem system) : IClassFixture<GatewaySystem>
{
    [Fact]
    public async Task A_key_that_cannot_be_looked_up_because_redis_is_down_is_a_503_naming_the_credentials()
    {
        using var client = system.WithoutRedis.WithApiKey("crm_00000000_any-key");

        var response = await client.GetAsync("/api/v1/people", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains("credentials", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>Flushing Redis would disturb every other test of the assembly: these run alone, after the others.</summary>
[CollectionDefinition(nameof(RedisFlushCollection), DisableParallelization = true)]
public sealed class RedisFlushCollection;

[Collection(nameof(RedisFlushCollection))]
public sealed class GrantsRebuildTests(GatewaySystem system) : IClassFixture<GatewaySystem>
{
    [Fact]
    public async Task After_redis_loses_everything_a_key_works_again_within_seconds()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        // Never used before the flush, so no gateway remembers it: it can only work from Redis.
        var secret = (await system.CreateKeyAsync(tenant, ["contacts:read"])).GetProperty("secret").GetString()!;
        using var partner = system.Second.WithApiKey(secret);

        await system.FlushRedisAsync();

        await Eventually.Until(
            async () => (await partner.GetAsync("/api/v1/people")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15),
            "the key's grant to be written again from the integrations database");
    }
}
