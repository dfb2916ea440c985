using CrmCloud.Contracts;
using CrmCloud.Platform.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Platform.Messaging;

public static class Inbox
{
    /// <summary>
    /// Applies a consumer's effect at most once per message: the inbox record and the effect (with any
    /// events it publishes) commit in one transaction, and a redelivered message finds the record and
    /// does nothing. If the effect throws, nothing commits and the broker redelivers.
    /// </summary>
    /// <returns>False when the message had already been handled.</returns>
    public static async Task<bool> HandleOnceAsync<TMessage>(
        this ServiceDb db,
        ConsumeContext<TMessage> context,
        string consumer,
        Func<TMessage, CancellationToken, Task> effect)
        where TMessage : class, IIntegrationEvent
    {
        var message = context.Message;
        var messageId = context.MessageId ?? throw new InvalidOperationException("A message without an id cannot be deduplicated.");
        var cancellationToken = context.CancellationToken;
        db.Tenant.Use(message.TenantId);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // A failed save rolls the whole message back for redelivery: no savepoint to retry from (two round trips fewer).
        db.Database.AutoSavepointsEnabled = false;
        // A concurrent duplicate blocks on the key until this one commits, then finds it taken.
        var claimed = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO inbox_messages (message_id, consumer, message_type, tenant_id, handled_at)
            VALUES ({messageId}, {consumer}, {typeof(TMessage).Name}, {message.TenantId}, now())
            ON CONFLICT DO NOTHING
            """,
            cancellationToken);
        if (claimed == 0)
        {
            return false;
        }

        await effect(message, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
