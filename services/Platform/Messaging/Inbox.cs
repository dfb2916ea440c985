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
        var claimed = await db.ClaimAsync(consumer, message.TenantId, [messageId], [typeof(TMessage).Name], cancellationToken);
        if (claimed.Count == 0)
        {
            return false;
        }

        await effect(message, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Records in the current transaction that <paramref name="consumer"/> handles these messages of one tenant, and
    /// returns those it had not handled before. A message claimed by a concurrent transaction blocks on its key until
    /// that one commits, then counts as handled; one listed twice is claimed once.
    /// </summary>
    public static async Task<HashSet<Guid>> ClaimAsync(
        this ServiceDb db, string consumer, string tenantId, Guid[] messageIds, string[] messageTypes, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<Guid>(
            $"""
            INSERT INTO inbox_messages (message_id, consumer, message_type, tenant_id, handled_at)
            SELECT message.id, {consumer}, message.type, {tenantId}, now()
            FROM unnest({messageIds}, {messageTypes}) AS message(id, type)
            ON CONFLICT DO NOTHING
            RETURNING message_id AS "Value"
            """).ToListAsync(cancellationToken)).ToHashSet();
}
