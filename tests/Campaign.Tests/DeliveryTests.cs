using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrmCloud.Campaign.Features.Delivery;
using CrmCloud.TestInfrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Xunit;

namespace CrmCloud.Campaign.Tests;

public sealed partial class DeliveryTests(CampaignApi api) : IClassFixture<CampaignApi>
{
    private const string Gateway = "http://localhost:8080";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_recipient_gets_one_personalised_message_with_tracked_links_a_pixel_and_one_click_unsubscribe()
    {
        var audience = await LabelledAudience.SeedAsync(api);
        var (eve, finn) = (await api.CustomersAsync(audience.Tenant, "Eve"), await api.CustomersAsync(audience.Tenant, "Finn"));
        var client = api.ClientFor(audience.Tenant);
        var id = await CampaignApi.LaunchToCustomersAsync(client);

        await using var sender = StartSender();
        await CompletedAsync(client, id);

        // Ada, Eve and Finn have consent and an address; Dan (no consent) gets nothing, nor does Cleo (no address).
        var messages = await api.MessagesOfAsync(id);
        Assert.Equal(["ada@example.com", "eve@example.com", "finn@example.com"], messages.Select(m => m.To.Mailboxes.Single().Address).Order());
        var browser = api.Anonymous();
        foreach (var (person, name) in new[] { (audience.Ada, "Ada"), (eve[0], "Eve"), (finn[0], "Finn") })
        {
            var token = await api.TrackingTokenAsync(id, person);
            var message = messages.Single(m => m.To.Mailboxes.Single().Address == $"{name.ToLowerInvariant()}@example.com");
            var html = message.HtmlBody ?? "";
            Assert.Equal($"{name}, spring is here", message.Subject);
            Assert.Contains($"Hello {name}.", html, StringComparison.Ordinal);
            Assert.Equal($"<{Gateway}/api/v1/tracking/unsubscribe/{token}>", message.Headers["List-Unsubscribe"]);
            Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
            Assert.Equal(CampaignMessage.MessageIdOf(id, await RecipientIdAsync(id, person), "campaigns@crmcloud.localhost"), message.MessageId);
            Assert.Contains($"<img src=\"{Gateway}/api/v1/tracking/open/{token}\"", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"{Gateway}/api/v1/tracking/unsubscribe/{token}\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"https://shop.example.com", html, StringComparison.Ordinal);

            // The shop link is a tracked redirect that the service answers with the shop's address.
            var click = Href().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Single(link => link.Contains("/click/", StringComparison.Ordinal));
            Assert.StartsWith($"{Gateway}/api/v1/tracking/click/{token}?url=", click, StringComparison.Ordinal);
            var redirect = await browser.GetAsync(click[Gateway.Length..], Token);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.Equal("https://shop.example.com/spring?a=1&b=2", redirect.Headers.Location!.OriginalString);
        }

        Assert.Equal(3, await api.CountAsync("SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1 AND status = 'delivered' AND sent_at IS NOT NULL AND message_id IS NOT NULL", id));
        Assert.Equal(3, await api.CountAsync("SELECT count(*) FROM campaign_responses WHERE campaign_id = $1 AND kind = 'delivered'", id));
    }

    [Fact]
    public async Task Launching_twice_sends_once()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        await api.CustomersAsync(tenant, "Ada", "Ben", "Cleo");
        var client = api.ClientFor(tenant);
        var id = await CampaignApi.LaunchToCustomersAsync(client);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/v1/campaigns/{id}/launch", null, Token)).StatusCode);

        await using (var sender = StartSender())
        {
            await CompletedAsync(client, id);
        }

        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/v1/campaigns/{id}/launch", null, Token)).StatusCode);
        await using (var restarted = StartSender())
        {
            Assert.Equal(0, await restarted.Services.GetRequiredService<CampaignSender>().SendDueAsync(Token));
        }

        Assert.Equal(3, (await api.MessagesOfAsync(id)).Count);
    }

    [Fact]
    public async Task Delivery_resumes_after_a_restart_without_sending_anyone_twice()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var people = await api.CustomersAsync(tenant, [.. Enumerable.Range(1, 15).Select(n => $"Person{n}")]);
        var client = api.ClientFor(tenant);
        var id = await CampaignApi.LaunchToCustomersAsync(client);
        var slow = ($"Delivery:TenantMessagesPerSecond:{tenant}", "5");

        await using (var first = StartSender(slow))
        {
            await Eventually.Until(async () => await DeliveredAsync(id) >= 3, Deadline, "the first instance to deliver three messages");
        }

        // Stopped mid-campaign: what it had claimed and not sent is pending again, nothing is left claimed.
        Assert.InRange(await DeliveredAsync(id), 3, 14);
        Assert.Equal(0, await api.CountAsync("SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1 AND status = 'sending'", id));

        await using (var second = StartSender(slow))
        {
            await CompletedAsync(client, id);
        }

        var messages = await api.MessagesOfAsync(id);
        Assert.Equal(15, messages.Count);
        Assert.Equal(people.Length, messages.Select(m => m.To.Mailboxes.Single().Address).Distinct().Count());
        Assert.Equal(15, await api.CountAsync("SELECT count(*) FROM campaign_responses WHERE campaign_id = $1 AND kind = 'delivered'", id));
    }

    [Fact]
    public async Task A_claim_left_by_a_sender_that_died_is_not_sent_again_and_the_rest_of_its_batch_is()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        await api.CustomersAsync(tenant, "Ada", "Ben", "Cleo");
        var client = api.ClientFor(tenant);
        var id = await CampaignApi.LaunchToCustomersAsync(client);
        // As a sender leaves a batch when its process dies: all claimed together, an hour ago, none recorded.
        await api.CountAsync(
            "WITH u AS (UPDATE campaign_recipients SET status = 'sending', claimed_at = now() - interval '1 hour' WHERE campaign_id = $1 RETURNING 1) SELECT count(*) FROM u", id);
        var ids = await RecipientIdsAsync(id);

        await using var sender = StartSender();
        await CompletedAsync(client, id);

        // The first of the batch may have gone out before the death: it is failed, not sent again; the others were never tried.
        var first = ids.Min();
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM campaign_recipients WHERE id = $1 AND status = 'failed' AND error = $2", first, CampaignSender.Interrupted));
        Assert.Equal(2, await api.CountAsync("SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1 AND status = 'delivered'", id));
        var messages = await api.MessagesOfAsync(id);
        Assert.Equal(2, messages.Count);
        Assert.DoesNotContain(messages, m => m.MessageId == CampaignMessage.MessageIdOf(id, first, "campaigns@crmcloud.localhost"));
    }

    [Fact]
    public async Task Sending_keeps_to_the_tenant_rate()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        await api.CustomersAsync(tenant, [.. Enumerable.Range(1, 12).Select(n => $"Person{n}")]);
        var client = api.ClientFor(tenant);
        var id = await CampaignApi.LaunchToCustomersAsync(client);

        await using var sender = StartSender(($"Delivery:TenantMessagesPerSecond:{tenant}", "4"));
        await CompletedAsync(client, id);

        // Twelve messages at four a second take at least 2.75 s from first to last; no second holds more than five (a generous bound).
        var sent = await SentTimesAsync(id);
        Assert.Equal(12, sent.Count);
        Assert.True(sent[^1] - sent[0] >= TimeSpan.FromSeconds(2), $"12 messages went out within {(sent[^1] - sent[0]).TotalSeconds:0.00} s");
        Assert.True(sent.Max(start => sent.Count(at => at >= start && at < start.AddSeconds(1))) <= 6, "more than six messages went out within one second");
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_is_recorded_failed_with_the_reason()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var ada = await api.CustomersAsync(tenant, "Ada");
        var zed = await api.CustomersAsync(tenant, ("Zed", $"zed@{AppHost.Hosting.LocalSmtp.RefusedDomain}"));
        var client = api.ClientFor(tenant);
        var id = await CampaignApi.LaunchToCustomersAsync(client);

        await using var sender = StartSender();
        await CompletedAsync(client, id);

        Assert.Equal(1, await api.CountAsync(
            "SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1 AND person_id = $2 AND status = 'failed' AND sent_at IS NULL AND error LIKE '550 %refuses refused.invalid%'", id, zed[0]));
        Assert.Equal(0, await api.CountAsync("SELECT count(*) FROM campaign_responses WHERE campaign_id = $1 AND person_id = $2", id, zed[0]));
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1 AND person_id = $2 AND status = 'delivered'", id, ada[0]));
        Assert.Equal(["ada@example.com"], (await api.MessagesOfAsync(id)).Select(m => m.To.Mailboxes.Single().Address));
        var results = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/campaigns/{id}/results", Token));
        Assert.Equal(1, results.GetProperty("recipients").GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task An_sms_campaign_is_a_list_to_export_and_nothing_is_sent()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var at = DateTimeOffset.UtcNow;
        var (ada, ben) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await api.DeliverAsync(
            new Contracts.Contacts.ContactCreated(tenant, ada, 1, new Contracts.Contacts.ContactSnapshot("Ada", "Tester", "ada@example.com", "+4930123456", null) { LifecycleStage = "customer" }, at),
            new Contracts.Contacts.ContactCreated(tenant, ben, 1, new Contracts.Contacts.ContactSnapshot("Ben", "Tester", "ben@example.com", "+4930654321", null) { LifecycleStage = "customer" }, at),
            new Contracts.Contacts.ConsentChanged(tenant, ada, "sms", "opted-in", "web-form", "consent", at, at),
            new Contracts.Contacts.ConsentChanged(tenant, ben, "sms", "opted-in", "web-form", "consent", at, at));
        var client = api.ClientFor(tenant);
        var segment = await CampaignApi.ReadAsync(await client.PostAsJsonAsync(
            "/api/v1/segments", new { name = "Customers", criteria = JsonDocument.Parse("""{"all":[{"field":"lifecycleStage","operator":"in","values":["customer"]}]}""").RootElement }, Token));
        var id = (await CampaignApi.ReadAsync(await client.PostAsJsonAsync(
            "/api/v1/campaigns", new { name = "Text blast", channel = "sms", segmentId = segment.GetProperty("id").GetGuid(), offer = new { codeKind = "shared", sharedCode = "TXT", discountPercent = 5 } }, Token))).GetProperty("id").GetGuid();
        (await client.PostAsync($"/api/v1/campaigns/{id}/launch", null, Token)).EnsureSuccessStatusCode();

        await using (var sender = StartSender())
        {
            Assert.Equal(0, await sender.Services.GetRequiredService<CampaignSender>().SendDueAsync(Token));
        }

        var export = await client.GetAsync($"/api/v1/campaigns/{id}/recipients/export", Token);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            [
                "personId,firstName,lastName,email,phone,offerCode,status,sentAt,error",
                $"{ada},Ada,Tester,ada@example.com,\"'+4930123456\",TXT,listed,,",
                $"{ben},Ben,Tester,ben@example.com,\"'+4930654321\",TXT,listed,,",
            ],
            (await export.Content.ReadAsStringAsync(Token)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(await api.MessagesOfAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, (await api.ClientFor($"tenant-{Guid.NewGuid():N}").GetAsync($"/api/v1/campaigns/{id}/recipients/export", Token)).StatusCode);
    }

    private WebApplicationFactory<CampaignDb> StartSender(params (string Key, string Value)[] settings)
    {
        var sender = api.Sender(settings);
        _ = sender.Services; // starts the host, and with it the sender
        return sender;
    }

    private static Task CompletedAsync(HttpClient client, Guid id) =>
        Eventually.Until(
            async () =>
            {
                var campaign = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/campaigns/{id}", Token));
                return campaign.GetProperty("status").GetString() == "completed";
            },
            Deadline,
            $"campaign {id} to be completed");

    private Task<long> DeliveredAsync(Guid id) => api.CountAsync("SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1 AND status = 'delivered'", id);

    private async Task<Guid> RecipientIdAsync(Guid campaignId, Guid personId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new Npgsql.NpgsqlCommand("SELECT id FROM campaign_recipients WHERE campaign_id = $1 AND person_id = $2", connection)
        {
            Parameters = { new() { Value = campaignId }, new() { Value = personId } },
        };
        return (Guid)(await command.ExecuteScalarAsync(Token))!;
    }

    private async Task<List<Guid>> RecipientIdsAsync(Guid campaignId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new Npgsql.NpgsqlCommand("SELECT id FROM campaign_recipients WHERE campaign_id = $1", connection) { Parameters = { new() { Value = campaignId } } };
        await using var reader = await command.ExecuteReaderAsync(Token);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(Token))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private async Task<List<DateTimeOffset>> SentTimesAsync(Guid campaignId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new Npgsql.NpgsqlCommand("SELECT sent_at FROM campaign_recipients WHERE campaign_id = $1 AND sent_at IS NOT NULL ORDER BY sent_at", connection)
        {
            Parameters = { new() { Value = campaignId } },
        };
        await using var reader = await command.ExecuteReaderAsync(Token);
        var times = new List<DateTimeOffset>();
        while (await reader.ReadAsync(Token))
        {
            times.Add(reader.GetFieldValue<DateTimeOffset>(0));
        }

        return times;
    }

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();
}
