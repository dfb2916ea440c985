using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Billing;
using CrmCloud.Campaign;
using CrmCloud.Contacts;
using CrmCloud.Integrations;
using CrmCloud.Sales;
using CrmCloud.ServiceDefaults.Security;
using CrmCloud.Support;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Gateway.Tests;

/// <summary>
/// A gateway in front of the services the 360 reads, each in-process on a real port and all on one broker virtual
/// host, so the services copy the people contacts publishes and the gateway hears the person's events, as deployed.
/// The areas not started listen nowhere (a stopped service); a started one can be stopped mid-test.
/// </summary>
/// <param name="failuresToOpen">Failures in a row that open a service's circuit: few where a test stops a service, more where
/// a slow moment of a busy machine must not close an area to the other tests.</param>
public abstract class CustomerSystemBase(ServersFixture servers, int failuresToOpen, params string[] areas) : IAsyncLifetime
{
    private static readonly string[] AllAreas = ["contacts", "sales", "campaign", "support", "billing", "integrations"];
    private readonly string _runId = Guid.NewGuid().ToString("N")[..12];
    private readonly string _signingKey = DevelopmentTokens.NewSigningKey();
    private readonly Dictionary<string, IAsyncDisposable> _services = [];

    public GatewayInstance Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var messaging = await servers.Servers.CreateVirtualHostAsync($"test-{_runId}-customers");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = servers.Servers.RedisConnectionString,
            ["ConnectionStrings:messaging"] = messaging,
            ["Authentication:DevelopmentSigningKey"] = _signingKey,
            ["ApiKeys:RedisPrefix"] = $"test-{_runId}:apikeys:",
            ["Idempotency:KeyPrefix"] = $"test-{_runId}:idem:",
            ["Gateway:RateLimits:KeyPrefix"] = $"test-{_runId}:ratelimit:",
            ["Gateway:Customer360:KeyPrefix"] = $"test-{_runId}:customer360:",
            // Generous for a test machine shared with other builds; a stopped service is refused at once anyway.
            ["Gateway:Customer360:CallTimeout"] = "00:00:10",
            ["Gateway:CircuitBreaker:FailuresToOpen"] = failuresToOpen.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:CircuitBreaker:OpenFor"] = "00:01:00",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var area in AllAreas.Except(areas))
        {
            settings[$"services:{area}:http:0"] = $"http://127.0.0.1:{GatewaySystem.StoppedPort()}";
        }

        await Task.WhenAll(areas.Select(area => area switch
        {
            "contacts" => StartAsync(new ListeningService<ContactsDb>(servers.Servers, "contactsdb", _runId) { SigningKey = _signingKey, Messaging = messaging }, area, settings),
            "sales" => StartAsync(new ListeningService<SalesDb>(servers.Servers, "salesdb", _runId) { SigningKey = _signingKey, Messaging = messaging }, area, settings),
            "campaign" => StartAsync(new ListeningService<CampaignDb>(servers.Servers, "campaigndb", _runId) { SigningKey = _signingKey, Messaging = messaging }, area, settings),
            "support" => StartAsync(new ListeningService<SupportDb>(servers.Servers, "supportdb", _runId) { SigningKey = _signingKey, Messaging = messaging }, area, settings),
            "billing" => StartAsync(new ListeningService<BillingDb>(servers.Servers, "billingdb", _runId) { SigningKey = _signingKey, Messaging = messaging }, area, settings),
            _ => throw new ArgumentException($"No service named {area}."),
        }));
        Gateway = new GatewayInstance(settings, _signingKey);
    }

    /// <summary>A person of <paramref name="tenant"/> with every scope, or the scopes named.</summary>
    public HttpClient Client(string tenant, params string[] scopes) => Gateway.WithBearer(tenant, scopes.Length > 0 ? scopes : null);

    /// <summary>Stops <paramref name="area"/>'s service: its port closes, as when its process ends.</summary>
    public async Task StopAsync(string area)
    {
        await _services[area].DisposeAsync();
        _services.Remove(area);
    }

    public static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Creates a person in contacts and waits until <paramref name="copies"/> (list paths filtered by person) know them.</summary>
    public static async Task<Guid> PersonAsync(HttpClient client, object person, params string[] copies)
    {
        var personId = (await PostAsync(client, "/api/v1/people", person)).GetProperty("id").GetGuid();
        foreach (var copy in copies)
        {
            await Eventually.Until(
                async () => (await client.GetFromJsonAsync<JsonElement>(string.Format(System.Globalization.CultureInfo.InvariantCulture, copy, personId))).GetProperty("items").GetArrayLength() > 0,
                TimeSpan.FromSeconds(60),
                $"{copy} to know the person");
        }

        return personId;
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        foreach (var service in _services.Values)
        {
            await service.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private async Task StartAsync<TDb>(ListeningService<TDb> service, string area, Dictionary<string, string?> settings)
        where TDb : class
    {
        lock (_services)
        {
            _services[area] = service;
        }

        await service.InitializeAsync();
        lock (settings)
        {
            settings[$"services:{area}:http:0"] = service.Address.ToString();
        }
    }
}

/// <summary>Every service the 360 reads.</summary>
public sealed class CustomerSystem(ServersFixture servers) : CustomerSystemBase(servers, 20, "contacts", "sales", "campaign", "support", "billing");

/// <summary>Contacts and support only, so that a test may stop support.</summary>
public sealed class CustomerOutageSystem(ServersFixture servers) : CustomerSystemBase(servers, 2, "contacts", "support");
