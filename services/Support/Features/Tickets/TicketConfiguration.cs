using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Support.Features.Tickets;

/// <summary>The last ticket number a tenant used.</summary>
public sealed class TicketCounter : ITenantOwned
{
    private TicketCounter()
    {
    }

    public string TenantId { get; private set; } = "";

    public long LastNumber { get; private set; }
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> ticket)
    {
        ticket.ToTable("tickets");
        ticket.HasKey(t => t.Id);
        ticket.Property(t => t.Id).ValueGeneratedNever();
        ticket.Property(t => t.Version).IsConcurrencyToken();
        ticket.HasIndex(t => new { t.TenantId, t.Id });
        ticket.HasIndex(t => new { t.TenantId, t.Number }).IsUnique();
        ticket.HasIndex(t => new { t.TenantId, t.RequesterPersonId });
        // What the SLA timers scan: only targets not met yet.
        ticket.HasIndex(t => t.FirstResponseDueAt).HasFilter("first_responded_at IS NULL AND first_response_due_at IS NOT NULL");
        ticket.HasIndex(t => t.ResolutionDueAt).HasFilter("solved_at IS NULL AND resolution_due_at IS NOT NULL");
        ticket.Property(t => t.Number).HasMaxLength(16);
        ticket.Property(t => t.Subject).HasMaxLength(TicketRequests.SubjectLength);
        ticket.Property(t => t.RequesterEmail).HasMaxLength(254);
        ticket.Property(t => t.RequesterName).HasMaxLength(200);
        ticket.Property(t => t.Channel).HasMaxLength(16).HasConversion(WireNames<TicketChannel>.Converter);
        ticket.Property(t => t.Kind).HasMaxLength(16).HasConversion(WireNames<TicketKind>.Converter);
        ticket.Property(t => t.Priority).HasMaxLength(16).HasConversion(WireNames<TicketPriority>.Converter);
        ticket.Property(t => t.Status).HasMaxLength(16).HasConversion(WireNames<TicketStatus>.Converter);
        ticket.Property(t => t.AssigneeId).HasMaxLength(TicketRequests.ActorLength);
        ticket.Property(t => t.Group).HasColumnName("group_name").HasMaxLength(TicketRequests.GroupLength);
        ticket.Property(t => t.ServiceTier).HasMaxLength(64);
        ticket.ComplexProperty(t => t.Clock, clock =>
        {
            clock.Property(c => c.Used).HasColumnName("sla_used");
            clock.Property(c => c.RunningSince).HasColumnName("sla_running_since");
        });
    }
}

internal sealed class TicketChangeConfiguration : IEntityTypeConfiguration<TicketChange>
{
    public void Configure(EntityTypeBuilder<TicketChange> change)
    {
        change.ToTable("ticket_changes");
        change.HasKey(c => c.Id);
        change.Property(c => c.Id).ValueGeneratedNever();
        change.HasIndex(c => new { c.TenantId, c.TicketId, c.Id });
        change.Property(c => c.Field).HasMaxLength(64);
        change.Property(c => c.FromValue).HasMaxLength(2000);
        change.Property(c => c.ToValue).HasMaxLength(2000);
        change.Property(c => c.ChangedBy).HasMaxLength(TicketRequests.ActorLength);
    }
}

internal sealed class TicketMessageConfiguration : IEntityTypeConfiguration<TicketMessage>
{
    public void Configure(EntityTypeBuilder<TicketMessage> message)
    {
        message.ToTable("ticket_messages");
        message.HasKey(m => m.Id);
        message.Property(m => m.Id).ValueGeneratedNever();
        message.HasIndex(m => new { m.TenantId, m.TicketId, m.Id });
        // The same inbound mail, delivered twice, is one message (and so never a second ticket).
        message.HasIndex(m => new { m.TenantId, m.EmailMessageId }).IsUnique().HasFilter("email_message_id IS NOT NULL");
        message.Property(m => m.Visibility).HasMaxLength(16).HasConversion(WireNames<MessageVisibility>.Converter);
        message.Property(m => m.Channel).HasMaxLength(16).HasConversion(WireNames<TicketChannel>.Converter);
        message.Property(m => m.AuthorId).HasMaxLength(TicketRequests.ActorLength);
        message.Property(m => m.AuthorEmail).HasMaxLength(254);
        message.Property(m => m.EmailMessageId).HasMaxLength(998);
    }
}

internal sealed class TicketCounterConfiguration : IEntityTypeConfiguration<TicketCounter>
{
    public void Configure(EntityTypeBuilder<TicketCounter> counter)
    {
        counter.ToTable("ticket_counters");
        counter.HasKey(c => c.TenantId);
    }
}
