using System.Net.Http.Headers;
using CrmCloud.ServiceDefaults;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrmCloud.TestInfrastructure;

/// <summary>
/// One service (named by any type of its assembly), in-process, on its own fresh database and RabbitMQ virtual host, configured exactly
/// as the orchestrator configures it (<c>ConnectionStrings__*</c>, the development signing key).
/// Migrations run through the service's own migrate step before the first request.
/// </summary>
public class ServiceFactory<TProgram>(TestServers servers, string databaseName) : WebApplicationFactory<TProgram>, IAsyncLifetime
    where TProgram : class
{
    private readonly string _runId = Guid.NewGuid().ToString("N")[..12];
    private readonly Dictionary<string, string?> _settings = [];

    /// <summary>The development signing key; processes that must accept each other's tokens (a gateway and its services) share one.</summary>
    public string SigningKey { get; init; } = DevelopmentTokens.NewSigningKey();

    public string DatabaseConnectionString { get; private set; } = "";

    /// <summary>The RabbitMQ virtual host this service's bus lives in.</summary>
    public string VirtualHost => $"test-{_runId}";

    public TestServers Servers => servers;

    /// <summary>The configuration this service runs with, for starting another instance of it on the same servers.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    public virtual async ValueTask InitializeAsync()
    {
        DatabaseConnectionString = await servers.CreateDatabaseAsync($"{databaseName}_{_runId}");
        _settings[$"ConnectionStrings:{databaseName}"] = DatabaseConnectionString;
        _settings["ConnectionStrings:messaging"] = await servers.CreateVirtualHostAsync(VirtualHost);
        _settings["ConnectionStrings:cache"] = servers.RedisConnectionString;
        _settings["Authentication:DevelopmentSigningKey"] = SigningKey;
        // Failures print the test's own messages; the service's request logs would bury them.
        _settings["Logging:LogLevel:Default"] = "Warning";

        await using var scope = Services.CreateAsyncScope();
        foreach (var step in scope.ServiceProvider.GetServices<IMigrationStep>())
        {
            await step.MigrateAsync(CancellationToken.None);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Development");
    }

    public string Token(string tenant, params string[] scopes) => DevelopmentTokens.Create(SigningKey, tenant, scopes);

    /// <summary>An HTTP client acting for <paramref name="tenant"/> with the named scopes (all when none).</summary>
    public HttpClient ClientFor(string tenant, params string[] scopes)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(tenant, scopes));
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
