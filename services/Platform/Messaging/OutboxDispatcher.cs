using CrmCloud.Platform.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrmCloud.Platform.Messaging;

/// <summary>
/// Publishes outbox rows in id order, a batch at a time with the broker's confirms awaited together, and marks
/// each sent once the broker has confirmed it and every row before it. A row is retried until it is confirmed, so a broker outage delays events and loses none. Rows are claimed
/// with <c>FOR UPDATE SKIP LOCKED</c>, so several instances of a service share the work. The dispatcher has a
/// connection of its own: under a load of more requests than the service's pool has connections, waiting in that pool's
/// queue held each batch back behind the requests, and events left seconds after their commits.
/// </summary>
public sealed partial class OutboxDispatcher<TDb>(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    TimeProvider time,
    ILogger<OutboxDispatcher<TDb>> logger) : BackgroundService
    where TDb : ServiceDb
{
    public const int BatchSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    // Short, so events leave within seconds of the broker's return; a round against an absent broker costs one transaction.
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A publish waits for the broker's confirm while the bus reconnects; past this it counts as failed,
    /// so an outage shows in the row's attempts and never holds the claimed rows indefinitely.
    /// </summary>
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long past <see cref="PublishTimeout"/> a cancelled publish may take to give up before the batch stops waiting for it.</summary>
    private static readonly TimeSpan ConfirmGrace = TimeSpan.FromSeconds(2);

    private string? _connectionString;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = PollInterval;
            try
            {
                var published = await DispatchBatchAsync(stoppingToken);
                failures = 0;
                if (published == BatchSize)
                {
                    continue;
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                wait = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures, 10))));
                LogDispatchFailed(logger, exception, failures, wait);
            }

            try
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Publishes one batch of unsent rows; returns how many were confirmed.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        _connectionString ??= DataExtensions.OwnPool(db.Database.GetConnectionString()!, "outbox", size: 2);
        db.Database.SetConnectionString(_connectionString);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // A failed save leaves the rows unsent for the next round: no savepoint to retry from (two round trips fewer).
        db.Database.AutoSavepointsEnabled = false;
        var batch = await db.OutboxMessages
            .FromSql($"SELECT * FROM outbox_messages WHERE sent_at IS NULL ORDER BY id LIMIT {BatchSize} FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);

        // The whole batch is published with its confirms outstanding together (one round trip to the broker instead of
        // one per row); rows are marked sent in order up to the first failure, and that row and all after it stay for the
        // next attempt. Rows after a failure that did reach the broker go again with the same message id: inboxes drop them.
        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        publishing.CancelAfter(PublishTimeout);
        var confirms = batch.Select(message => PublishAsync(message, publishing.Token)).ToList();
        try
        {
            // The bounded wait does not rely on the client honouring the token: a publish caught by a broker restart can
            // wait for a confirm that never comes, and the batch's rows stay locked while it does.
            await Task.WhenAll(confirms).WaitAsync(PublishTimeout + ConfirmGrace, time, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Each row's own outcome is read below; one still waiting counts as failed.
        }

        var published = 0;
        Exception? failure = null;
        var sentAt = time.GetUtcNow();
        foreach (var (message, confirm) in batch.Zip(confirms))
        {
            if (confirm.IsCompletedSuccessfully)
            {
                message.MarkSent(sentAt);
                published++;
                continue;
            }

            failure = confirm.Exception?.GetBaseException() ?? new OperationCanceledException("The broker did not confirm in time.");
            message.MarkFailed(failure.Message);
            break;
        }

        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        if (failure is not null)
        {
            throw new OutboxDispatchException("Publishing an outbox message failed; it will be retried.", failure);
        }

        return published;
    }

    // Async, so that a row that cannot even be read fails as its own task instead of the whole batch.
    private async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        await bus.Publish(message.Deserialize(), message.ResolveType(), context => context.MessageId = message.MessageId, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed {Failures} time(s) in a row; retrying in {Wait}")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, int failures, TimeSpan wait);
}

public sealed class OutboxDispatchException(string message, Exception inner) : Exception(message, inner);
