using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using CrmCloud.Contracts.Integrations;
using CrmCloud.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrmCloud.Integrations.Features.Webhooks;

/// <summary>
/// Posts due deliveries (docs/decisions/0009-webhooks.md). A batch is claimed with a lease in one statement with
/// <c>FOR UPDATE SKIP LOCKED</c>, so instances never share a delivery, and only deliveries with nothing earlier about the
/// same resource still pending for their subscription are claimed: one resource's deliveries go in order. Each attempt is
/// recorded as it ends; a sender that stops mid-attempt leaves a lease that runs out, and the delivery is attempted again
/// (at least once, with the same id). A delivery still failing when its time is up is given up and its subscription disabled.
/// </summary>
public sealed partial class WebhookSender(
    IServiceScopeFactory scopes, WebhookClient client, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
{
    private sealed record Claimed(Guid Id, string TenantId, string Body, string Url, string Secret);

    /// <returns>How many attempts this round made.</returns>
    public async Task<int> SendDueAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var attempted = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var batch = await ClaimAsync(settings, stoppingToken);
            // Not cancelled by the service stopping: an attempt started is recorded.
            await Parallel.ForEachAsync(
                batch,
                new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = CancellationToken.None },
                async (claimed, _) => await AttemptAsync(claimed, settings));
            attempted += batch.Count;
            // A full batch, or deliveries that waited behind the ones just sent, may be due at once.
            if (batch.Count == 0)
            {
                break;
            }
        }

        return attempted;
    }

    private async Task<List<Claimed>> ClaimAsync(WebhookOptions settings, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IntegrationsDb>();
        var now = time.GetUtcNow();
        var leaseEnds = now + settings.ClaimLease;
        return await db.Database.SqlQuery<Claimed>(
            $"""
            UPDATE webhook_deliveries d SET claimed_until = {leaseEnds}
            FROM webhook_subscriptions s
            WHERE s.id = d.subscription_id AND d.id IN (
                SELECT due.id FROM webhook_deliveries due
                JOIN webhook_subscriptions sub ON sub.id = due.subscription_id AND sub.enabled
                WHERE due.status = 'pending' AND due.next_attempt_at <= {now} AND (due.claimed_until IS NULL OR due.claimed_until < {now})
                AND NOT EXISTS (
                    SELECT 1 FROM webhook_deliveries earlier
                    WHERE earlier.subscription_id = due.subscription_id AND earlier.resource_key = due.resource_key AND earlier.status = 'pending'
                    AND (earlier.occurred_at, earlier.id) < (due.occurred_at, due.id))
                ORDER BY due.next_attempt_at, due.id LIMIT {settings.BatchSize}
                FOR UPDATE OF due SKIP LOCKED)
            RETURNING d.id, d.tenant_id, d.body, s.url, s.secret
            """).ToListAsync(cancellationToken);
    }

    private async Task AttemptAsync(Claimed claimed, WebhookOptions settings)
    {
        var attemptedAt = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var (statusCode, error) = await client.PostAsync(claimed.Url, claimed.Secret, claimed.Id.ToString(), claimed.Body, attemptedAt);
        var duration = Stopwatch.GetElapsedTime(started);

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IntegrationsDb>();
        db.Tenant.Use(claimed.TenantId);
        var delivery = await db.WebhookDeliveries.FirstAsync(d => d.Id == claimed.Id, CancellationToken.None);
        var attempt = WebhookAttempt.Of(delivery, attemptedAt, statusCode, error, duration);
        db.Add(attempt);
        if (error is null)
        {
            delivery.Delivered(attempt);
        }
        else if (delivery.Failed(attempt, attemptedAt + settings.RetryDelay(delivery.Attempts + 1), settings.GiveUpAfter))
        {
            await GiveUpAsync(db, delivery, settings, attemptedAt);
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task GiveUpAsync(IntegrationsDb db, WebhookDelivery delivery, WebhookOptions settings, DateTimeOffset now)
    {
        var subscription = await db.WebhookSubscriptions.FirstAsync(s => s.Id == delivery.SubscriptionId, CancellationToken.None);
        var reason = $"Delivery {delivery.Id} ({delivery.EventType}) failed on {delivery.Attempts} attempts over {settings.GiveUpAfter}; "
            + $"the last: {delivery.LastError} Enable the subscription again once the endpoint answers with 2xx, and redeliver what it missed.";
        if (subscription.Disable(reason, now))
        {
            db.Publish(new WebhookSubscriptionDisabled(subscription.TenantId, subscription.Id, subscription.Url, reason, now));
            LogDisabled(logger, subscription.Id, delivery.Id, delivery.Attempts);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook subscription {SubscriptionId} disabled: delivery {DeliveryId} failed {Attempts} times until given up")]
    private static partial void LogDisabled(ILogger logger, Guid subscriptionId, Guid deliveryId, int attempts);
}

/// <summary>
/// Posts signed bodies to receivers, with its own connection pool and none of the shared HTTP clients' retries: a retry
/// is the sender's decision, recorded as an attempt.
/// </summary>
public sealed class WebhookClient(IOptions<WebhookOptions> options) : IDisposable
{
    private readonly HttpClient _http = new(WebhookAddresses.Handler(options.Value.AllowPrivateAddresses), disposeHandler: true)
    {
        Timeout = options.Value.Timeout,
    };

    /// <returns>The receiver's status code when it answered, and why the attempt failed (null when it answered 2xx).</returns>
    public async Task<(int? StatusCode, string? Error)> PostAsync(string url, string secret, string id, string body, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.IdHeader, id);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, id, timestamp, body));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("CrmCloud-Webhooks", "1"));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var code = (int)response.StatusCode;
            return (code, response.IsSuccessStatusCode ? null : $"The endpoint answered {code} {response.ReasonPhrase}.");
        }
        catch (TaskCanceledException)
        {
            return (null, $"No answer within {_http.Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException exception)
        {
            return (null, $"The request failed: {exception.Message}");
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Runs <see cref="WebhookSender"/> every poll interval.</summary>
public sealed partial class WebhookSenderWorker(WebhookSender sender, TimeProvider time, IOptions<WebhookOptions> options, ILogger<WebhookSenderWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Rounds.RunAsync(
            async cancellationToken =>
            {
                if (await sender.SendDueAsync(cancellationToken) is > 0 and var attempted)
                {
                    LogAttempted(logger, attempted);
                }
            },
            options.Value.PollInterval,
            time,
            logger,
            "webhook delivery",
            waitFirst: false,
            stoppingToken);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Made {Count} webhook delivery attempts")]
    private static partial void LogAttempted(ILogger logger, int count);
}

public static class WebhookExtensions
{
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(WebhookOptions.Section);
        builder.Services.Configure<WebhookOptions>(section);
        builder.Services.AddSingleton<WebhookClient>();
        builder.Services.AddSingleton<WebhookSender>();
        if (section.GetValue(nameof(WebhookOptions.Worker), defaultValue: true))
        {
            builder.Services.AddHostedService<WebhookSenderWorker>();
        }

        return builder;
    }
}
