using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Reliability.Tests;

/// <summary>
/// API-key secrets (and webhook secrets, where the document has webhooks) are shown once, at creation or rotation:
/// no later answer carries them, and no log line of the gateway, the services or the servers does, even after they
/// were used, refused, rotated and revoked. Secrets the other sweeps created in this run are looked for as well.
/// </summary>
public sealed class SecretTests(SweptSystem system)
{
    /// <summary>The end of a secret is enough to use it: a log that keeps only its tail leaks it as well.</summary>
    private const int TailLength = 20;

    private static readonly TimeSpan Revocation = TimeSpan.FromSeconds(5);
    private static readonly string[] ReadContacts = ["contacts:read"];

    [Fact]
    public async Task Secrets_are_shown_once_and_never_answered_or_logged_again()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var admin = await system.ClientForAsync($"secrets-{Guid.NewGuid():N}");
        var document = await ApiDocument.ReadAsync(admin, cancellationToken);
        var secrets = new List<string>();

        var created = await ReadAsync(await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "Webshop sync", scopes = ReadContacts }, cancellationToken), cancellationToken);
        var id = created["id"]!.GetValue<string>();
        var first = created["secret"]!.GetValue<string>();
        secrets.Add(first);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(first, cancellationToken));

        var second = (await ReadAsync(await admin.PostAsync($"/api/v1/api-keys/{id}/rotate", null, cancellationToken), cancellationToken))["secret"]!.GetValue<string>();
        secrets.Add(second);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(second, cancellationToken));
        await Eventually.Until(async () => await UseAsync(first, cancellationToken) == HttpStatusCode.Unauthorized, Revocation, "the rotated-away secret to be refused");
        await MisuseAsync(second, cancellationToken);

        (await admin.PostAsync($"/api/v1/api-keys/{id}/revoke", null, cancellationToken)).EnsureSuccessStatusCode();
        await Eventually.Until(async () => await UseAsync(second, cancellationToken) == HttpStatusCode.Unauthorized, Revocation, "the revoked secret to be refused");

        if (document.Operations.Any(operation => operation.Name == "POST /api/v1/webhooks"))
        {
            secrets.AddRange(await WebhookSecretsAsync(admin, cancellationToken));
        }

        var answers = string.Join("\n", await Task.WhenAll(
            document.Operations.Where(operation => operation.IsRead && (operation.Template.StartsWith("/api/v1/api-keys", StringComparison.Ordinal) || operation.Template.StartsWith("/api/v1/webhooks", StringComparison.Ordinal)))
                .Select(operation => admin.GetStringAsync(operation.Fill(_ => id), cancellationToken).ContinueWith(read => read.IsCompletedSuccessfully ? read.Result : string.Empty, TaskScheduler.Default))));
        var everySecret = secrets.Concat(TenantRecords.CreatedSecrets).Distinct().ToList();
        var logs = Logs();

        Assert.All(secrets, secret => Assert.DoesNotContain(Tail(secret), answers, StringComparison.Ordinal));
        Assert.All(everySecret, secret => Assert.False(logs.Any(log => log.Text.Contains(Tail(secret), StringComparison.Ordinal)),
            $"A secret created in this run is in {string.Join(", ", logs.Where(log => log.Text.Contains(Tail(secret), StringComparison.Ordinal)).Select(log => log.Name))}."));
        TestContext.Current.TestOutputHelper?.WriteLine($"{everySecret.Count} secrets looked for in {logs.Count} logs ({logs.Sum(log => log.Text.Length)} characters).");
    }

    private static string Tail(string secret) => secret.Length > TailLength ? secret[^TailLength..] : secret;

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!;
        }
    }

    private async Task<HttpStatusCode> UseAsync(string secret, CancellationToken cancellationToken)
    {
        using var partner = new HttpClient { BaseAddress = system.Gateway };
        partner.DefaultRequestHeaders.Add("X-Api-Key", secret);
        using var response = await partner.GetAsync("/api/v1/people", cancellationToken);
        return response.StatusCode;
    }

    /// <summary>The secret where it does not belong, as a careless partner sends it: each is refused, and refusals get logged.</summary>
    private async Task MisuseAsync(string secret, CancellationToken cancellationToken)
    {
        using var partner = new HttpClient { BaseAddress = system.Gateway };
        partner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await partner.GetAsync("/api/v1/people", cancellationToken)).StatusCode);
        partner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", $"{secret}x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await partner.GetAsync("/api/v1/people", cancellationToken)).StatusCode);
        partner.DefaultRequestHeaders.Authorization = null;
        Assert.NotEqual(HttpStatusCode.OK, (await partner.GetAsync($"/api/v1/people?api_key={Uri.EscapeDataString(secret)}", cancellationToken)).StatusCode);
    }

    /// <summary>A webhook's signing secrets: whichever members of the created webhook are secrets.</summary>
    private static async Task<IEnumerable<string>> WebhookSecretsAsync(HttpClient admin, CancellationToken cancellationToken)
    {
        var webhook = await ReadAsync(await admin.PostAsJsonAsync("/api/v1/webhooks", TenantRecords.Webhook, cancellationToken), cancellationToken);
        return TenantRecords.SecretsIn(webhook);
    }

    /// <summary>Every log of the run: the AppHost's console (each service's and the gateway's lines) and the servers' log files.</summary>
    private List<(string Name, string Text)> Logs()
    {
        List<(string Name, string Text)> logs = [("the AppHost's console", system.Output)];
        logs.AddRange(Directory.EnumerateFiles(system.StateDirectory, "*.log", SearchOption.AllDirectories)
            .Select(file => (Path.GetRelativePath(system.StateDirectory, file), File.ReadAllText(file))));
        return logs;
    }
}
