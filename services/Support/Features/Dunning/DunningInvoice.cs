using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Support.Features.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Support.Features.Dunning;

/// <summary>
/// What support knows of one invoice from billing's events: overdue since <see cref="OverdueAt"/>, paid on
/// <see cref="PaidOn"/>. The invoice is in dunning while it is overdue and not paid; since events may arrive in either
/// order, a payment seen first is kept, so a late overdue fact cannot flag a paid invoice.
/// </summary>
public sealed class DunningInvoice : ITenantOwned
{
    private DunningInvoice()
    {
    }

    public Guid InvoiceId { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid PersonId { get; private set; }

    public Guid? CompanyId { get; private set; }

    public string InvoiceNumber { get; private set; } = "";

    public decimal? AmountDue { get; private set; }

    public string Currency { get; private set; } = "";

    public DateOnly? DueDate { get; private set; }

    public DateTimeOffset? OverdueAt { get; private set; }

    public DateOnly? PaidOn { get; private set; }

    public static DunningInvoice Of(string tenantId, Guid invoiceId, string invoiceNumber, Guid personId, Guid? companyId, string currency) => new()
    {
        TenantId = tenantId,
        InvoiceId = invoiceId,
        InvoiceNumber = invoiceNumber,
        PersonId = personId,
        CompanyId = companyId,
        Currency = currency,
    };

    public void Overdue(decimal amountDue, DateOnly dueDate, DateTimeOffset at)
    {
        AmountDue = amountDue;
        DueDate = dueDate;
        OverdueAt = at;
    }

    public void Paid(DateOnly paidOn) => PaidOn = paidOn;
}

/// <summary>A ticket's customer in dunning: their overdue, unpaid invoices, what they still owe per currency and the oldest due date.</summary>
public sealed record TicketDunning(int OverdueInvoices, IReadOnlyList<Money> AmountDue, DateOnly OldestDueDate);

public static class CustomerDunning
{
    /// <summary>
    /// Shows on each ticket whether its requester, or its company, is in dunning: one read for all of them. A ticket
    /// whose customer owes nothing overdue shows no <see cref="TicketResponse.Dunning"/>.
    /// </summary>
    public static async Task<IReadOnlyList<TicketResponse>> ShowAsync(SupportDb db, IReadOnlyList<TicketResponse> tickets, CancellationToken cancellationToken)
    {
        Guid[] people = [.. tickets.Select(t => t.RequesterPersonId).OfType<Guid>().Distinct()];
        Guid[] companies = [.. tickets.Select(t => t.CompanyId).OfType<Guid>().Distinct()];
        if (people.Length == 0 && companies.Length == 0)
        {
            return tickets;
        }

        var overdue = await db.DunningInvoices.AsNoTracking()
            .Where(i => i.OverdueAt != null && i.PaidOn == null && (people.Contains(i.PersonId) || (i.CompanyId != null && companies.Contains(i.CompanyId.Value))))
            .ToListAsync(cancellationToken);
        if (overdue.Count == 0)
        {
            return tickets;
        }

        return [.. tickets.Select(ticket =>
        {
            var owed = overdue.Where(i => i.PersonId == ticket.RequesterPersonId || (i.CompanyId is not null && i.CompanyId == ticket.CompanyId)).ToList();
            return owed.Count == 0
                ? ticket
                : ticket with
                {
                    Dunning = new TicketDunning(
                        owed.Count,
                        [.. owed.GroupBy(i => i.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Money.Of(g.Sum(i => i.AmountDue!.Value), g.Key))],
                        owed.Min(i => i.DueDate!.Value)),
                };
        })];
    }

    public static async Task<TicketResponse> ShowAsync(SupportDb db, TicketResponse ticket, CancellationToken cancellationToken) =>
        (await ShowAsync(db, [ticket], cancellationToken))[0];
}

internal sealed class DunningInvoiceConfiguration : IEntityTypeConfiguration<DunningInvoice>
{
    public void Configure(EntityTypeBuilder<DunningInvoice> invoice)
    {
        invoice.ToTable("dunning_invoices");
        invoice.HasKey(i => new { i.TenantId, i.InvoiceId });
        invoice.HasIndex(i => new { i.TenantId, i.PersonId });
        invoice.HasIndex(i => new { i.TenantId, i.CompanyId });
        invoice.Property(i => i.InvoiceNumber).HasMaxLength(64);
        invoice.Property(i => i.Currency).HasMaxLength(3);
    }
}
