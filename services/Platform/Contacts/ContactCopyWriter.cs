using System.Threading.Channels;
using CrmCloud.Contracts;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrmCloud.Platform.Contacts;

/// <summary>What one contact event says of one person: their version in contacts and what the copy keeps, or null once they are gone.</summary>
public sealed record ContactChange(Guid PersonId, long Version, ContactSnapshot? Contact);

/// <summary>
/// Applies contact events to a service's <typeparamref name="TCopy"/> a batch at a time. The events that arrive
/// while one batch commits go together in the next: one transaction per tenant for all of them (their inbox rows,
/// one read of the copies, the changes, one commit), where each event had a transaction of its own. A quiet queue
/// sends each event alone at once, so a batch adds no wait. Each message keeps its own fate: a batch that fails is
/// applied again one message at a time, so only a message that fails on its own is retried and parked.
/// </summary>
public sealed class ContactCopyWriter<TDb, TCopy>(IServiceScopeFactory scopes, TimeProvider time) : BackgroundService
    where TDb : ServiceDb
    where TCopy : ContactCopy, new()
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Completes once the message's changes and its inbox record have committed, or were committed before.</summary>
    public Task WriteAsync<TMessage>(ConsumeContext<TMessage> context, string consumer, IReadOnlyList<ContactChange> changes)
        where TMessage : class, IIntegrationEvent
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException("A message without an id cannot be deduplicated.");
        var pending = new Pending(messageId, consumer, typeof(TMessage).Name, context.Message.TenantId, changes);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The contact copies are no longer being written: the service is stopping.");
        }

        return pending.Written.Task.WaitAsync(context.CancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(ContactCopies.BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < ContactCopies.BatchSize && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                foreach (var tenant in batch.GroupBy(pending => pending.TenantId))
                {
                    await WriteGroupAsync(tenant.ToList(), stoppingToken);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what has not committed goes back to the broker unacknowledged and comes again.
        }
        finally
        {
            _queue.Writer.TryComplete();
            foreach (var pending in batch)
            {
                pending.Written.TrySetCanceled(stoppingToken);
            }

            while (_queue.Reader.TryRead(out var pending))
            {
                pending.Written.TrySetCanceled(stoppingToken);
            }
        }
    }

    private async Task WriteGroupAsync(IReadOnlyList<Pending> group, CancellationToken cancellationToken)
    {
        try
        {
            await CommitAsync(group, cancellationToken);
        }
        catch (Exception exception) when (group.Count > 1 && !cancellationToken.IsCancellationRequested && !DbErrors.IsTransient(exception))
        {
            // One message's fault must not be the others': each goes again alone, and only the faulty one fails.
            foreach (var pending in group)
            {
                await WriteGroupAsync([pending], cancellationToken);
            }
        }
        catch (Exception exception)
        {
            foreach (var pending in group)
            {
                pending.Written.TrySetException(exception);
            }
        }
    }

    /// <summary>One tenant's messages in one transaction: the inbox claims each message once, and only claimed ones change copies.</summary>
    private async Task CommitAsync(IReadOnlyList<Pending> group, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        db.Tenant.Use(group[0].TenantId);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // A failed save rolls the batch back: no savepoint to retry from (two round trips fewer).
        db.Database.AutoSavepointsEnabled = false;

        var claimed = await db.ClaimAsync(
            group[0].Consumer,
            group[0].TenantId,
            [.. group.Select(pending => pending.MessageId)],
            [.. group.Select(pending => pending.MessageType)],
            cancellationToken);

        // The same message twice in one batch (a redelivery beside the first delivery) changes the copies once.
        var changes = group.Where(pending => claimed.Remove(pending.MessageId)).SelectMany(pending => pending.Changes).ToList();
        if (changes.Count > 0)
        {
            var personIds = changes.Select(change => change.PersonId).Distinct().ToList();
            var copies = await db.Set<TCopy>().Where(copy => personIds.Contains(copy.PersonId)).ToDictionaryAsync(copy => copy.PersonId, cancellationToken);
            var now = time.GetUtcNow();
            foreach (var change in changes)
            {
                if (!copies.TryGetValue(change.PersonId, out var copy))
                {
                    copy = ContactCopy.New<TCopy>(db.Tenant.TenantId, change.PersonId, now);
                    db.Add(copy);
                    copies.Add(change.PersonId, copy);
                }

                // Versions order the changes, so the batch's order does not matter.
                copy.Apply(change.Version, change.Contact, now);
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var pending in group)
        {
            pending.Written.TrySetResult();
        }
    }

    private sealed record Pending(Guid MessageId, string Consumer, string MessageType, string TenantId, IReadOnlyList<ContactChange> Changes)
    {
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
