using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Campaign.Features.Audience;

/// <summary>A person's consent on one channel as contacts last stated it; the newest <see cref="ChangedAt"/> wins.</summary>
public sealed class AudienceConsent : ITenantOwned
{
    private AudienceConsent()
    {
    }

    public string TenantId { get; private set; } = "";

    public Guid PersonId { get; private set; }

    /// <summary><c>email</c>, <c>sms</c> or <c>phone</c>.</summary>
    public string Channel { get; private set; } = "";

    public bool OptedIn { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    public static AudienceConsent For(string tenantId, Guid personId, string channel, bool optedIn, DateTimeOffset changedAt) =>
        new() { TenantId = tenantId, PersonId = personId, Channel = channel, OptedIn = optedIn, ChangedAt = changedAt };

    /// <returns>False when the state held is as new as <paramref name="changedAt"/> or newer.</returns>
    public bool Apply(bool optedIn, DateTimeOffset changedAt)
    {
        if (changedAt <= ChangedAt)
        {
            return false;
        }

        OptedIn = optedIn;
        ChangedAt = changedAt;
        return true;
    }
}

/// <summary>
/// An order a person placed in sales, for spend and last-order conditions and for attribution. A cancellation may
/// arrive before the placement: the row then exists without <see cref="PlacedAt"/> and never counts.
/// </summary>
public sealed class AudienceOrder : ITenantOwned
{
    private AudienceOrder()
    {
    }

    public string TenantId { get; private set; } = "";

    public Guid OrderId { get; private set; }

    public Guid PersonId { get; private set; }

    /// <summary>Net of discounts, before tax: what the order is worth to the tenant, as contacts counts revenue.</summary>
    public decimal NetTotal { get; private set; }

    public string Currency { get; private set; } = "";

    public DateTimeOffset? PlacedAt { get; private set; }

    public bool Cancelled { get; private set; }

    public static AudienceOrder Of(string tenantId, Guid orderId, Guid personId, decimal netTotal, string currency) =>
        new() { TenantId = tenantId, OrderId = orderId, PersonId = personId, NetTotal = netTotal, Currency = currency };

    public void Place(DateTimeOffset placedAt) => PlacedAt = placedAt;

    public void Cancel() => Cancelled = true;

    public void MoveTo(Guid personId) => PersonId = personId;
}

/// <summary>A ticket a person opened in support; open until solved (the solving may arrive first).</summary>
public sealed class AudienceTicket : ITenantOwned
{
    private AudienceTicket()
    {
    }

    public string TenantId { get; private set; } = "";

    public Guid TicketId { get; private set; }

    public Guid PersonId { get; private set; }

    public DateTimeOffset OpenedAt { get; private set; }

    public bool Solved { get; private set; }

    public static AudienceTicket Of(string tenantId, Guid ticketId, Guid personId, DateTimeOffset openedAt) =>
        new() { TenantId = tenantId, TicketId = ticketId, PersonId = personId, OpenedAt = openedAt };

    public void Solve() => Solved = true;

    public void MoveTo(Guid personId) => PersonId = personId;
}

internal sealed class AudienceFactsConfiguration :
    IEntityTypeConfiguration<AudienceConsent>, IEntityTypeConfiguration<AudienceOrder>, IEntityTypeConfiguration<AudienceTicket>, IEntityTypeConfiguration<PersonMerge>
{
    public void Configure(EntityTypeBuilder<AudienceConsent> consent)
    {
        consent.ToTable("audience_consents");
        consent.HasKey(c => new { c.TenantId, c.PersonId, c.Channel });
        consent.Property(c => c.Channel).HasMaxLength(8);
    }

    public void Configure(EntityTypeBuilder<AudienceOrder> order)
    {
        order.ToTable("audience_orders");
        order.HasKey(o => new { o.TenantId, o.OrderId });
        order.Property(o => o.Currency).HasMaxLength(3);
        order.Property(o => o.NetTotal).HasPrecision(19, 4);
        order.HasIndex(o => new { o.TenantId, o.PersonId });
    }

    public void Configure(EntityTypeBuilder<AudienceTicket> ticket)
    {
        ticket.ToTable("audience_tickets");
        ticket.HasKey(t => new { t.TenantId, t.TicketId });
        ticket.HasIndex(t => new { t.TenantId, t.PersonId });
    }

    public void Configure(EntityTypeBuilder<PersonMerge> merge)
    {
        merge.ToTable("person_merges");
        merge.HasKey(m => new { m.TenantId, m.MergedPersonId });
        merge.HasIndex(m => new { m.TenantId, m.SurvivorId });
    }
}
