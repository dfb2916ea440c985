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

/// <summary>A gateway in front of every service, each in-process on a real port: the whole API the reference describes.</summary>
public sealed class ReferenceSystem(ServersFixture servers) : IAsyncLifetime
{
    private readonly string _runId = Guid.NewGuid().ToString("N")[..12];
    private readonly string _signingKey = DevelopmentTokens.NewSigningKey();
    private readonly List<IAsyncDisposable> _services = [];

    public GatewayInstance Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = servers.Servers.RedisConnectionString,
            ["Authentication:DevelopmentSigningKey"] = _signingKey,
            ["ApiKeys:RedisPrefix"] = $"test-{_runId}:apikeys:",
            ["Idempotency:KeyPrefix"] = $"test-{_runId}:idem:",
            ["Gateway:RateLimits:KeyPrefix"] = $"test-{_runId}:ratelimit:",
            ["Gateway:Customer360:KeyPrefix"] = $"test-{_runId}:customer360:",
            ["ConnectionStrings:messaging"] = await servers.Servers.CreateVirtualHostAsync($"test-{_runId}-gateway"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await Task.WhenAll(
            StartAsync(new ListeningService<ContactsDb>(servers.Servers, "contactsdb", _runId) { SigningKey = _signingKey }, "contacts", settings),
            StartAsync(new ListeningService<SalesDb>(servers.Servers, "salesdb", _runId) { SigningKey = _signingKey }, "sales", settings),
            StartAsync(new ListeningService<CampaignDb>(servers.Servers, "campaigndb", _runId) { SigningKey = _signingKey }, "campaign", settings),
            StartAsync(new ListeningService<SupportDb>(servers.Servers, "supportdb", _runId) { SigningKey = _signingKey }, "support", settings),
            StartAsync(new ListeningService<BillingDb>(servers.Servers, "billingdb", _runId) { SigningKey = _signingKey }, "billing", settings),
            StartAsync(new ListeningService<IntegrationsDb>(servers.Servers, "integrationsdb", _runId) { SigningKey = _signingKey }, "integrations", settings));
        Gateway = new GatewayInstance(settings, _signingKey);
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }
    }

    private async Task StartAsync<TDb>(ListeningService<TDb> service, string area, Dictionary<string, string?> settings)
        where TDb : class
    {
        lock (_services)
        {
            _services.Add(service);
        }

        await service.InitializeAsync();
        lock (settings)
        {
            settings[$"services:{area}:http:0"] = service.Address.ToString();
        }
    }
}
