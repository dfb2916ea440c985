using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CrmCloud.Contacts;
using CrmCloud.Gateway.Routing;
using CrmCloud.Integrations;
using CrmCloud.ServiceDefaults.Security;
using CrmCloud.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

[assembly: AssemblyFixture(typeof(ServersFixture))]

namespace CrmCloud.Gateway.Tests;

/// <summary>
/// Two gateway instances in front of real services on real ports: contacts and integrations in-process on Kestrel,
/// sales on a port nothing listens on (a stopped service), billing on a socket that accepts and never answers (a hung
/// one). All share one signing key, one Redis and, through it, the API keys' grants and the rate limit counters.
/// </summary>
public sealed class GatewaySystem(ServersFixture servers) : IAsyncLifetime
{
    private readonly string _runId = Guid.NewGuid().ToString("N")[..12];
    private readonly string _signingKey = DevelopmentTokens.NewSigningKey();
    private readonly TcpListener _hungService = new(IPAddress.Loopback, 0);
    private ListeningService<ContactsDb>? _contacts;
    private ListeningService<IntegrationsDb>? _integrations;

    public GatewayInstance First { get; private set; } = null!;

    public GatewayInstance Second { get; private set; } = null!;

    /// <summary>Tenants on the tiny plan (3 requests per key, 6 per tenant per hour), one per rate limit test.</summary>
    public string LimitedTenant(string test) => $"limited-{test}-{_runId}";

    public async ValueTask InitializeAsync()
    {
        _contacts = new ListeningService<ContactsDb>(servers.Servers, "contactsdb", _runId) { SigningKey = _signingKey };
        _integrations = new ListeningService<IntegrationsDb>(servers.Servers, "integrationsdb", _runId) { SigningKey = _signingKey };
        await _contacts.InitializeAsync();
        await _integrations.InitializeAsync();
        _hungService.Start();

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = servers.Servers.RedisConnectionString,
            // The gateway listens for the person's events where contacts publishes them.
            ["ConnectionStrings:messaging"] = _contacts.Settings["ConnectionStrings:messaging"],
            ["Authentication:DevelopmentSigningKey"] = _signingKey,
            ["ApiKeys:RedisPrefix"] = $"test-{_runId}:apikeys:",
            ["Idempotency:KeyPrefix"] = $"test-{_runId}:idem:",
            ["Gateway:Customer360:KeyPrefix"] = $"test-{_runId}:customer360:",
            ["services:contacts:http:0"] = _contacts.Address.ToString(),
            ["services:integrations:http:0"] = _integrations.Address.ToString(),
            ["services:sales:http:0"] = $"http://127.0.0.1:{StoppedPort()}",
            ["services:billing:http:0"] = $"http://127.0.0.1:{((IPEndPoint)_hungService.LocalEndpoint).Port}",
            ["services:campaign:http:0"] = $"http://127.0.0.1:{StoppedPort()}",
            ["services:support:http:0"] = $"http://127.0.0.1:{StoppedPort()}",
            ["Gateway:Cors:Origins:0"] = "https://app.example.com",
            ["Gateway:Timeouts:Default"] = "00:00:02",
            ["Gateway:CircuitBreaker:FailuresToOpen"] = "3",
            ["Gateway:CircuitBreaker:OpenFor"] = "00:01:00",
            ["Gateway:RateLimits:KeyPrefix"] = $"test-{_runId}:ratelimit:",
            ["Gateway:RateLimits:Window"] = "01:00:00",
            ["Gateway:RateLimits:Plans:tiny:PerTenant"] = "6",
            ["Gateway:RateLimits:Plans:tiny:PerApiKey"] = "3",
            [$"Gateway:RateLimits:TenantPlans:{LimitedTenant("key")}"] = "tiny",
            [$"Gateway:RateLimits:TenantPlans:{LimitedTenant("tenant")}"] = "tiny",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        First = new GatewayInstance(settings, _signingKey);
        Second = new GatewayInstance(settings, _signingKey);
        WithoutRedis = new GatewayInstance(new Dictionary<string, string?>(settings) { ["ConnectionStrings:cache"] = $"127.0.0.1:{StoppedPort()},connectTimeout=500" }, _signingKey);
    }

    /// <summary>A third gateway whose Redis is down (nothing listens where it looks), for what a Redis outage does.</summary>
    public GatewayInstance WithoutRedis { get; private set; } = null!;

    /// <summary>Empties the Redis every process here shares, as a Redis restarted without its data would be.</summary>
    public async Task FlushRedisAsync()
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{servers.Servers.RedisConnectionString},allowAdmin=true");
        foreach (var server in redis.GetServers())
        {
            await server.FlushAllDatabasesAsync();
        }
    }

    /// <summary>An administrator of <paramref name="tenant"/> on the first gateway, holding every scope.</summary>
    public HttpClient Administrator(string tenant) => First.WithBearer(tenant);

    /// <summary>Creates a key through the first gateway and returns its answer (with the secret).</summary>
    public async Task<JsonElement> CreateKeyAsync(string tenant, string[] scopes, DateTimeOffset? expiresAt = null)
    {
        using var admin = Administrator(tenant);
        var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "Webshop sync", scopes, expiresAt }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating a key: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        _hungService.Stop();
        await First.DisposeAsync();
        await Second.DisposeAsync();
        await WithoutRedis.DisposeAsync();
        if (_contacts is not null)
        {
            await _contacts.DisposeAsync();
        }

        if (_integrations is not null)
        {
            await _integrations.DisposeAsync();
        }
    }

    /// <summary>A port that was free a moment ago and that nobody listens on: connecting is refused at once.</summary>
    internal static int StoppedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}

/// <summary>A service in-process on Kestrel, so the gateway reaches it over the network as it reaches a deployed one.</summary>
public sealed class ListeningService<TDb>(TestServers servers, string databaseName, string runId) : ServiceFactory<TDb>(servers, databaseName)
    where TDb : class
{
    public string RedisPrefix { get; set; } = $"test-{runId}:apikeys:";

    /// <summary>Another broker virtual host than its own, for services that must hear each other's events.</summary>
    public string? Messaging { get; init; }

    public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public override async ValueTask InitializeAsync()
    {
        UseKestrel(0);
        await base.InitializeAsync();
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ApiKeys:RedisPrefix", RedisPrefix);
        // Integrations checks each second that Redis still holds the keys' grants, so a test that flushes Redis waits little.
        builder.UseSetting("ApiKeys:GrantsCheckInterval", "00:00:01");
        if (Messaging is not null)
        {
            builder.UseSetting("ConnectionStrings:messaging", Messaging);
        }
    }
}

/// <summary>One gateway instance, in-process.</summary>
public sealed class GatewayInstance(IReadOnlyDictionary<string, string?> settings, string signingKey) : WebApplicationFactory<ServiceArea>
{
    public HttpClient Anonymous() => CreateClient();

    /// <summary>A person's bearer token: the tenant's administrator with every scope, or the scopes and roles named.</summary>
    public HttpClient WithBearer(string tenant, string[]? scopes = null, string[]? roles = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevelopmentTokens.Create(signingKey, tenant, scopes, roles: roles));
        return client;
    }

    public HttpClient WithApiKey(string secret)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", secret);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Development");
    }
}
