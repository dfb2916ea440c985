using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Platform.Messaging;

/// <summary>
/// The record that a consumer has handled a message, committed with the consumer's own effect:
/// a redelivered message finds it and has no second effect.
/// </summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; private set; }

    public string Consumer { get; private set; } = "";

    public string MessageType { get; private set; } = "";

    public string TenantId { get; private set; } = "";

    public DateTimeOffset HandledAt { get; private set; }

    internal static void Configure(EntityTypeBuilder<InboxMessage> entity)
    {
        entity.ToTable("inbox_messages");
        entity.HasKey(message => new { message.MessageId, message.Consumer });
        entity.Property(message => message.Consumer).HasMaxLength(256);
        entity.Property(message => message.MessageType).HasMaxLength(256);
        entity.Property(message => message.TenantId).HasMaxLength(64);
    }
}
