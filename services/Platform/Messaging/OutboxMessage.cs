using System.Text.Json;
using CrmCloud.Contracts;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Platform.Messaging;

/// <summary>
/// An event waiting to be published, saved in the same transaction as the change that raised it.
/// The dispatcher publishes rows in <see cref="Id"/> order and marks them sent once the broker confirms.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage()
    {
    }

    /// <summary>Insertion order: the order events are published in.</summary>
    public long Id { get; private set; }

    /// <summary>The broker message id; a re-publish after a crash reuses it, so inboxes drop the duplicate.</summary>
    public Guid MessageId { get; private set; }

    public string TenantId { get; private set; } = "";

    /// <summary>The full name of the event record in the contracts assembly.</summary>
    public string MessageType { get; private set; } = "";

    public string Payload { get; private set; } = "";

    public DateTimeOffset OccurredAt { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    public int Attempts { get; private set; }

    public string? LastError { get; private set; }

    public static OutboxMessage For<TEvent>(TEvent integrationEvent)
        where TEvent : class, IIntegrationEvent => new()
        {
            MessageId = Ids.New(),
            TenantId = integrationEvent.TenantId,
            // The runtime type, so an event held as IIntegrationEvent is stored as what it is.
            MessageType = integrationEvent.GetType().FullName!,
            Payload = JsonSerializer.Serialize(integrationEvent, integrationEvent.GetType(), JsonSerializerOptions.Web),
            OccurredAt = integrationEvent.OccurredAt,
        };

    public Type ResolveType() =>
        typeof(IIntegrationEvent).Assembly.GetType(MessageType, throwOnError: true)!;

    public object Deserialize() => JsonSerializer.Deserialize(Payload, ResolveType(), JsonSerializerOptions.Web)!;

    public void MarkSent(DateTimeOffset now)
    {
        SentAt = now;
        Attempts++;
        LastError = null;
    }

    public void MarkFailed(string error)
    {
        Attempts++;
        LastError = error.Length > 2000 ? error[..2000] : error;
    }

    internal static void Configure(EntityTypeBuilder<OutboxMessage> entity)
    {
        entity.ToTable("outbox_messages");
        entity.HasKey(message => message.Id);
        entity.Property(message => message.Id).UseIdentityAlwaysColumn();
        entity.HasIndex(message => message.MessageId).IsUnique();
        entity.Property(message => message.TenantId).HasMaxLength(64);
        entity.Property(message => message.MessageType).HasMaxLength(256);
        entity.Property(message => message.Payload).HasColumnType("jsonb");
        // The dispatcher only ever looks for what is still unsent.
        entity.HasIndex(message => message.Id).HasFilter("sent_at IS NULL").HasDatabaseName("ix_outbox_messages_unsent");
    }
}
