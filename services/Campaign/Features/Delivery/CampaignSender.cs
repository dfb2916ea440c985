using CrmCloud.Campaign.Features.Campaigns;
using CrmCloud.Campaign.Features.Responses;
using CrmCloud.Platform.Messaging;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CrmCloud.Campaign.Features.Delivery;

/// <summary>
/// Sends campaign email, each recipient at most once (docs/decisions/0007-campaign-delivery.md). A round starts the
/// scheduled campaigns whose time has come, settles claims left by a sender that stopped, sends for every tenant with
/// recipients pending (tenants side by side, each at its own rate) and completes the campaigns with nobody left to send.
/// A batch of recipients is claimed (pending → sending, with the Message-ID) in one statement with
/// <c>FOR UPDATE SKIP LOCKED</c>, so instances never share a recipient; each message is sent and its outcome recorded
/// before the next is sent, so of a batch left behind only the first still sending can have gone out.
/// </summary>
public sealed partial class CampaignSender(
    IServiceScopeFactory scopes, TenantThrottle throttle, IOptions<DeliveryOptions> delivery, IOptions<SmtpOptions> smtp, TimeProvider time, ILogger<CampaignSender> logger)
{
    public const string Interrupted = "The sender stopped between sending and recording: the message may have gone out, so it is not sent again.";
    public const string ConnectionLost = "The connection to the mail server broke while sending: the message may have gone out, so it is not sent again.";

    /// <summary>How long one tenant sends in a round before the round ends and a new one looks for newly launched campaigns.</summary>
    private static readonly TimeSpan TenantTurn = TimeSpan.FromSeconds(30);

    private sealed record Work(string TenantId, Guid Id);

    private sealed record Claim(Guid Id, Guid CampaignId, DateTimeOffset ClaimedAt);

    /// <returns>How many messages this round sent or failed.</returns>
    public async Task<int> SendDueAsync(CancellationToken stoppingToken)
    {
        await SettleAbandonedClaimsAsync(stoppingToken);
        foreach (var due in await FindAsync(
            $"SELECT tenant_id, id FROM campaigns WHERE status = 'scheduled' AND (details->>'scheduledAt')::timestamptz <= {time.GetUtcNow()}", stoppingToken))
        {
            await ChangeAsync(due, CampaignStatus.Scheduled, (campaign, now) => campaign.Start(now), stoppingToken);
        }

        var sending = await FindAsync(
            $"SELECT tenant_id, id FROM campaigns c WHERE status = 'running' AND EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = c.id AND r.status = 'pending')",
            stoppingToken);
        var sent = 0;
        await Parallel.ForEachAsync(
            sending.GroupBy(c => c.TenantId),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = CancellationToken.None },
            async (tenant, _) => Interlocked.Add(ref sent, await SendForTenantAsync(tenant.Key, [.. tenant.Select(c => c.Id)], stoppingToken)));

        foreach (var finished in await FindAsync(
            $"""
            SELECT tenant_id, id FROM campaigns c WHERE status = 'running' AND details->>'channel' = 'email'
            AND NOT EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = c.id AND r.status IN ('pending', 'sending'))
            """,
            stoppingToken))
        {
            await ChangeAsync(finished, CampaignStatus.Running, (campaign, now) => campaign.Complete(now), stoppingToken);
        }

        return sent;
    }

    private async Task<int> SendForTenantAsync(string tenantId, IReadOnlyList<Guid> campaigns, CancellationToken stoppingToken)
    {
        var options = delivery.Value;
        var rate = options.RateFor(tenantId);
        var batchSize = Math.Clamp((int)Math.Ceiling(rate), 1, options.BatchSize);
        var sender = smtp.Value.SenderFor(tenantId);
        var turnEnds = time.GetUtcNow() + TenantTurn;
        var sent = 0;
        using var client = new SmtpClient();
        try
        {
            foreach (var campaignId in campaigns)
            {
                while (!stoppingToken.IsCancellationRequested && time.GetUtcNow() < turnEnds)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<CampaignDb>();
                    db.Tenant.Use(tenantId);
                    var batch = await ClaimAsync(db, campaignId, batchSize, sender, stoppingToken);
                    if (batch.Count == 0)
                    {
                        break;
                    }

                    var campaign = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == campaignId, CancellationToken.None);
                    sent += await SendBatchAsync(db, client, campaign.Details, batch, sender, rate, stoppingToken);
                }
            }
        }
        finally
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true, CancellationToken.None);
            }
        }

        return sent;
    }

    /// <summary>Claims up to <paramref name="size"/> pending recipients of a running campaign: they are this sender's until recorded.</summary>
    private async Task<List<CampaignRecipient>> ClaimAsync(CampaignDb db, Guid campaignId, int size, string sender, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.Recipients.FromSql(
            $"""
            UPDATE campaign_recipients SET status = 'sending', claimed_at = {now}
            WHERE id IN (
                SELECT r.id FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id AND c.status = 'running'
                WHERE r.campaign_id = {campaignId} AND r.status = 'pending'
                ORDER BY r.id LIMIT {size} FOR UPDATE OF r SKIP LOCKED)
            RETURNING *
            """).IgnoreQueryFilters().AsNoTracking().ToListAsync(cancellationToken);
        var ids = claimed.Select(r => r.Id).ToArray();
        var messageIds = claimed.Select(r => CampaignMessage.MessageIdOf(r.CampaignId, r.Id, sender)).ToArray();
        await db.Database.ExecuteSqlAsync(
            $"UPDATE campaign_recipients r SET message_id = m.message_id FROM unnest({ids}, {messageIds}) AS m(id, message_id) WHERE r.id = m.id",
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [.. claimed.OrderBy(r => r.Id)];
    }

    /// <summary>Sends the batch in order, recording each outcome before the next message; stopping releases the rest unsent.</summary>
    private async Task<int> SendBatchAsync(
        CampaignDb db, SmtpClient client, CampaignDetails campaign, List<CampaignRecipient> batch, string sender, double rate, CancellationToken stoppingToken)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var recipient = batch[i];
            try
            {
                await throttle.WaitTurnAsync(recipient.TenantId, rate, stoppingToken);
                if (!client.IsConnected)
                {
                    await ConnectAsync(client, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Nothing of the rest went out: it waits for the next start, or another instance.
                await ReleaseAsync(db, batch.Skip(i));
                return i;
            }
            catch
            {
                // The mail server cannot be reached: nothing of the rest went out, and the next round tries again.
                await ReleaseAsync(db, batch.Skip(i));
                throw;
            }

            var failure = await SendAsync(client, campaign, recipient, sender);
            await RecordAsync(db, recipient, failure, time.GetUtcNow());
            if (failure is not null)
            {
                LogFailed(logger, recipient.CampaignId, recipient.Id, failure);
            }
        }

        return batch.Count;
    }

    /// <returns>Why the message was not delivered, or null when the server took it.</returns>
    private async Task<string?> SendAsync(SmtpClient client, CampaignDetails campaign, CampaignRecipient recipient, string sender)
    {
        MimeMessage message;
        try
        {
            message = CampaignMessage.Compose(campaign, recipient, sender, delivery.Value.PublicBaseUrl, time.GetUtcNow());
        }
        catch (ParseException exception)
        {
            return $"The address cannot be written into a message: {exception.Message}";
        }

        try
        {
            // Not cancelled by the service stopping: a message is sent and recorded whole, or not started.
            await client.SendAsync(message, CancellationToken.None);
            return null;
        }
        catch (SmtpCommandException exception)
        {
            // The server answered no: nothing was delivered.
            return $"{(int)exception.StatusCode} {exception.Message}";
        }
        catch (Exception exception) when (exception is IOException or MailKit.ProtocolException or ServiceNotConnectedException)
        {
            return ConnectionLost;
        }
    }

    private async Task ConnectAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        var server = smtp.Value;
        if (string.IsNullOrEmpty(server.Host))
        {
            throw new InvalidOperationException($"No mail server is configured: set Smtp:Host and Smtp:Port, or ConnectionStrings:{SmtpOptions.ConnectionName}.");
        }

        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
    }

    private static async Task RecordAsync(CampaignDb db, CampaignRecipient recipient, string? failure, DateTimeOffset now)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var status = failure is null ? "delivered" : "failed";
        DateTimeOffset? sentAt = failure is null ? now : null;
        var error = failure?[..Math.Min(failure.Length, 500)];
        await db.Database.ExecuteSqlAsync(
            $"UPDATE campaign_recipients SET status = {status}, sent_at = {sentAt}, error = {error} WHERE id = {recipient.Id}", CancellationToken.None);
        if (failure is null)
        {
            await RecipientResponses.RecordAsync(db, recipient, "delivered", now, CancellationToken.None);
        }

        await transaction.CommitAsync(CancellationToken.None);
    }

    private static async Task ReleaseAsync(CampaignDb db, IEnumerable<CampaignRecipient> unsent)
    {
        var ids = unsent.Select(r => r.Id).ToArray();
        await db.Database.ExecuteSqlAsync(
            $"UPDATE campaign_recipients SET status = 'pending', claimed_at = NULL, message_id = NULL WHERE id = ANY({ids}) AND status = 'sending'",
            CancellationToken.None);
    }

    /// <summary>
    /// Claims older than the claim timeout belong to a sender that stopped without recording them. Of each claimed batch
    /// the first still sending may have gone out, so it is recorded failed (at most once); the rest were never tried and
    /// are pending again.
    /// </summary>
    private async Task SettleAbandonedClaimsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDb>();
        var before = time.GetUtcNow() - delivery.Value.ClaimTimeout;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var abandoned = await db.Database.SqlQuery<Claim>(
            $"SELECT id, campaign_id, claimed_at FROM campaign_recipients WHERE status = 'sending' AND claimed_at < {before} FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);
        if (abandoned.Count == 0)
        {
            return;
        }

        var uncertain = abandoned.GroupBy(c => (c.CampaignId, c.ClaimedAt)).Select(batch => batch.Min(c => c.Id)).ToArray();
        var untried = abandoned.Select(c => c.Id).Except(uncertain).ToArray();
        await db.Database.ExecuteSqlAsync(
            $"UPDATE campaign_recipients SET status = 'failed', error = {Interrupted} WHERE id = ANY({uncertain})", cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE campaign_recipients SET status = 'pending', claimed_at = NULL, message_id = NULL WHERE id = ANY({untried})", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogSettled(logger, uncertain.Length, untried.Length);
    }

    private async Task<List<Work>> FindAsync(FormattableString sql, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDb>();
        return await db.Database.SqlQuery<Work>(sql).ToListAsync(cancellationToken);
    }

    /// <summary>Moves a campaign on under its row lock, if it is still <paramref name="from"/> (another instance may have been first).</summary>
    private async Task ChangeAsync(Work work, CampaignStatus from, Action<MarketingCampaign, DateTimeOffset> change, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDb>();
        db.Tenant.Use(work.TenantId);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var campaign = await db.Campaigns.FromSql($"SELECT * FROM campaigns WHERE id = {work.Id} AND tenant_id = {work.TenantId} FOR UPDATE").FirstAsync(cancellationToken);
        var unsent = await db.Recipients.AnyAsync(r => r.CampaignId == work.Id && (r.Status == "pending" || r.Status == "sending"), cancellationToken);
        if (campaign.Status != from || (from == CampaignStatus.Running && unsent))
        {
            return;
        }

        change(campaign, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: recipient {RecipientId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, Guid campaignId, Guid recipientId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settled abandoned claims: {Uncertain} recorded failed as possibly sent, {Untried} pending again")]
    private static partial void LogSettled(ILogger logger, int uncertain, int untried);
}

/// <summary>Runs <see cref="CampaignSender"/> every poll interval.</summary>
public sealed partial class CampaignSenderWorker(CampaignSender sender, TimeProvider time, IOptions<DeliveryOptions> options, ILogger<CampaignSenderWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Rounds.RunAsync(
            async cancellationToken =>
            {
                if (await sender.SendDueAsync(cancellationToken) is > 0 and var sent)
                {
                    LogSent(logger, sent);
                }
            },
            options.Value.PollInterval,
            time,
            logger,
            "campaign delivery",
            waitFirst: false,
            stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Count} campaign messages")]
    private static partial void LogSent(ILogger logger, int count);
}

public static class DeliveryExtensions
{
    public static IHostApplicationBuilder AddCampaignDelivery(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Delivery");
        builder.Services.Configure<DeliveryOptions>(section);
        builder.Services.Configure<SmtpOptions>(builder.Configuration.GetSection("Smtp"));
        builder.Services.PostConfigure<SmtpOptions>(options =>
        {
            // The orchestrator's reference: smtp://host:port.
            if (string.IsNullOrEmpty(options.Host) && builder.Configuration.GetConnectionString(SmtpOptions.ConnectionName) is { Length: > 0 } mail)
            {
                var server = new Uri(mail);
                options.Host = server.Host;
                options.Port = server.Port > 0 ? server.Port : options.Port;
            }
        });
        builder.Services.AddSingleton<TenantThrottle>();
        builder.Services.AddSingleton<CampaignSender>();
        if (section.GetValue(nameof(DeliveryOptions.Worker), defaultValue: true))
        {
            builder.Services.AddHostedService<CampaignSenderWorker>();
        }

        return builder;
    }
}
