using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmCloud.Bench;

/// <summary>
/// The send rate: launches an email campaign with a tracked link to everyone with email consent in the token's
/// tenant (an audience seeded by <c>Seed.dll audience</c>) and times launch and delivery until the campaign is
/// completed, through the gateway. Each message goes over SMTP to the mail server <c>./crm up</c> runs, which keeps it.
/// </summary>
internal static class SendRate
{
    public static async Task<int> RunAsync(Options options)
    {
        using var client = Measurement.Client(options.Required("gateway"), options.Required("token"));
        var run = Guid.NewGuid().ToString("N")[..8];
        var segment = await Measurement.PostAsync(client, "/api/v1/segments", new
        {
            name = $"Everyone {run}",
            criteria = JsonDocument.Parse("""{"all":[{"field":"lifecycleStage","operator":"in","values":["customer","lead","subscriber","opportunity"]}]}""").RootElement,
        });
        var campaign = await Measurement.PostAsync(client, "/api/v1/campaigns", new
        {
            name = $"Send rate {run}",
            segmentId = segment.GetProperty("id").GetGuid(),
            subject = "{{firstName}}, our spring offer",
            body = "<html><body><p>Hello {{firstName}},</p><p><a href=\"https://shop.example.com/spring\">Shop now</a> with {{offerCode}}.</p><p><a href=\"{{unsubscribeUrl}}\">Unsubscribe</a></p></body></html>",
            offer = new { discountPercent = 10, codeKind = "unique" },
        });
        var id = campaign.GetProperty("id").GetGuid();

        var clock = Stopwatch.StartNew();
        var launched = await Measurement.PostAsync(client, $"/api/v1/campaigns/{id}/launch", new { });
        var launch = clock.Elapsed;
        var audience = launched.GetProperty("audienceCount").GetInt32();
        JsonElement current;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            current = await client.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}");
        }
        while (current.GetProperty("status").GetString() is "running" or "scheduled");

        var elapsed = clock.Elapsed;
        var results = await client.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/results");
        var recipients = results.GetProperty("recipients");
        var delivered = recipients.GetProperty("delivered").GetInt32();
        var sending = elapsed - launch;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            send {id}: {current.GetProperty("status")}
              audience {audience} (excluded without consent {launched.GetProperty("excludedWithoutConsent")}, without address {launched.GetProperty("excludedWithoutAddress")})
              launch {launch.TotalSeconds:0.00} s; delivered {delivered}, failed {recipients.GetProperty("failed")} in {sending.TotalSeconds:0.0} s after it: {delivered / sending.TotalSeconds:0} messages/s
            """));
        return audience > 0 && delivered == audience ? 0 : 1;
    }
}
