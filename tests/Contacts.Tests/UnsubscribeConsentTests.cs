using System.Net.Http.Json;
using CrmCloud.Contracts.Campaign;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>An unsubscribe from a campaign's link withdraws consent through the consent history, once.</summary>
public sealed class UnsubscribeConsentTests(ProfileApi api) : IClassFixture<ProfileApi>
{
    private const string ConsentChanged = "CrmCloud.Contracts.Contacts.ConsentChanged";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_unsubscribe_withdraws_consent_once_and_yields_to_a_newer_change()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var subscribed = await NewPersonAsync(client);
        var resubscribed = await NewPersonAsync(client);
        var unknown = await NewPersonAsync(client);
        var campaign = Guid.CreateVersion7();
        var optIn = new { status = "opted-in", source = "web-form", lawfulBasis = "consent" };
        (await client.PutAsJsonAsync($"/api/v1/people/{subscribed}/consents/email", optIn, Token)).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync($"/api/v1/people/{resubscribed}/consents/email", optIn, Token)).EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow;

        var messageId = await api.DeliverAsync(new UnsubscribeRequested(tenant, campaign, subscribed, "email", now));
        // The same message delivered again: the inbox has it, nothing more is written.
        await api.DeliverAsync(new UnsubscribeRequested(tenant, campaign, subscribed, "email", now), messageId, times: 2);
        // Clicked before the person opted in again: the newer opt-in stands.
        await api.DeliverAsync(new UnsubscribeRequested(tenant, campaign, resubscribed, "email", now.AddDays(-1)));
        // No consent known yet: the withdrawal is the first record.
        await api.DeliverAsync(new UnsubscribeRequested(tenant, campaign, unknown, "sms", now));

        var consent = (await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{subscribed}/consents", Token))).GetProperty("items")[0];
        Assert.Equal("opted-out", consent.GetProperty("status").GetString());
        Assert.Equal("campaign", consent.GetProperty("source").GetString());
        Assert.Equal($"campaign/{campaign}", consent.GetProperty("changedBy").GetString());
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM consent_changes WHERE person_id = $1", subscribed));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'personId' = $2 AND payload->>'source' = 'campaign'", ConsentChanged, subscribed.ToString()));

        var kept = (await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{resubscribed}/consents", Token))).GetProperty("items")[0];
        Assert.Equal("opted-in", kept.GetProperty("status").GetString());
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM consent_changes WHERE person_id = $1", resubscribed));

        var sms = (await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{unknown}/consents", Token))).GetProperty("items")[0];
        Assert.Equal(("sms", "opted-out"), (sms.GetProperty("channel").GetString(), sms.GetProperty("status").GetString()));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'personId' = $2 AND payload->>'channel' = 'sms'", ConsentChanged, unknown.ToString()));
    }

    private static async Task<Guid> NewPersonAsync(HttpClient client) =>
        (await CreatePersonAsync(client, new { lastName = "Subscriber", email = "subscriber@example.com" })).GetProperty("id").GetGuid();

    private Task<long> CountAsync(string sql, params object[] parameters) => Database.CountAsync(api.DatabaseConnectionString, sql, parameters);
}
