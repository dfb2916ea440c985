using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>Its own service instance: this class takes the broker away from it.</summary>
public sealed class BrokerOutageTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    [Fact]
    public async Task Events_written_while_the_broker_is_away_are_published_when_it_returns()
    {
        var client = api.ClientFor(NewTenant());
        var token = TestContext.Current.CancellationToken;
        await CreatePersonAsync(client, new { lastName = "Before" });
        await Eventually.Until(async () => await UnsentAsync() == 0, TimeSpan.FromSeconds(30), "the first event to be confirmed");

        await api.Servers.DeleteVirtualHostAsync(api.VirtualHost, token);
        var during = (await CreatePersonAsync(client, new { lastName = "During" })).GetProperty("id").GetGuid();
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE id = $1", during));
        await Eventually.Until(
            async () => await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND attempts > 0") == 1,
            TimeSpan.FromSeconds(60),
            "the dispatcher to fail to publish while the broker is away");
        await api.Servers.CreateVirtualHostAsync(api.VirtualHost, token);

        await Eventually.Until(async () => await UnsentAsync() == 0, TimeSpan.FromSeconds(90), "the event written during the outage to be confirmed");
        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NOT NULL"));
    }

    private Task<long> UnsentAsync() =>
        Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL");
}
