using Xunit;

namespace CrmCloud.TestInfrastructure;

/// <summary>
/// The servers, started once per test assembly (<c>[assembly: AssemblyFixture(typeof(ServersFixture))]</c>)
/// and stopped when it ends.
/// </summary>
public sealed class ServersFixture : IAsyncLifetime
{
    private TestServers? _servers;

    public TestServers Servers => _servers ?? throw new InvalidOperationException("The servers have not started.");

    public async ValueTask InitializeAsync() =>
        _servers = await TestServers.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }
}
