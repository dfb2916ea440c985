using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Billing.Features.CreditNotes;

/// <summary>
/// A correction of an issued invoice: lines that take an amount off what it asks for, numbered in their own series
/// (<c>CN</c>) when issued. Issued at once and immutable, as invoices are. What it credits beyond what its invoice still
/// owes (the invoice was paid) is account credit, <see cref="Unapplied"/> until an invoice issued later takes it
/// (<see cref="Allocations"/>).
/// </summary>
public sealed class CreditNote : IBilledToAccount
{
    public const string Series = "CN";
    public const string Document = "credit-note";

    private CreditNote()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid InvoiceId { get; private set; }

    public string InvoiceNumber { get; private set; } = "";

    public Guid BillingAccountId { get; private set; }

    public Guid PersonId { get; private set; }

    public string Number { get; private set; } = "";

    public string Currency { get; private set; } = "";

    public IReadOnlyList<InvoiceLine> Lines { get; private set; } = [];

    public decimal NetTotal { get; private set; }

    public decimal TaxTotal { get; private set; }

    public decimal Total { get; private set; }

    public string Reason { get; private set; } = "";

    /// <summary>Where the note's total went: its own invoice first, then, from its unapplied credit, invoices issued later.</summary>
    public IReadOnlyList<CreditAllocation> Allocations { get; private set; } = [];

    /// <summary>The account credit the note still holds.</summary>
    public decimal Unapplied { get; private set; }

    public DateOnly IssuedOn { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    /// <summary>Issues the note and applies it to <paramref name="invoice"/> up to what the invoice still owes; the rest is account credit.</summary>
    public static CreditNote Issue(string tenantId, Guid id, Invoice invoice, string number, IReadOnlyList<InvoiceLine> lines, string reason, DateTimeOffset now)
    {
        var totals = DocumentTotals.Of(lines);
        var applied = Math.Min(totals.Total, Math.Max(invoice.Outstanding, 0));
        return new()
        {
            Id = id,
            TenantId = tenantId,
            InvoiceId = invoice.Id,
            InvoiceNumber = invoice.Number!,
            BillingAccountId = invoice.BillingAccountId,
            PersonId = invoice.PersonId,
            Number = number,
            Currency = invoice.Currency,
            Lines = lines,
            NetTotal = totals.NetTotal,
            TaxTotal = totals.TaxTotal,
            Total = totals.Total,
            Reason = reason,
            Allocations = applied > 0 ? [new CreditAllocation(invoice.Id, invoice.Number!, applied)] : [],
            Unapplied = totals.Total - applied,
            IssuedOn = DateOnly.FromDateTime(now.UtcDateTime),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
    }

    /// <summary>What the note applied to its own invoice.</summary>
    public decimal AppliedTo(Guid invoiceId) => Allocations.Where(a => a.InvoiceId == invoiceId).Sum(a => a.Amount);

    public void Allocate(Invoice invoice, decimal amount, DateTimeOffset now)
    {
        if (amount > Unapplied)
        {
            throw new InvalidOperationException("Only unapplied credit can be allocated.");
        }

        Allocations = [.. Allocations, new CreditAllocation(invoice.Id, invoice.Number!, amount)];
        Unapplied -= amount;
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>A part of a credit note applied to one invoice.</summary>
public sealed record CreditAllocation(Guid InvoiceId, string InvoiceNumber, decimal Amount);

internal sealed class CreditNoteConfiguration : IEntityTypeConfiguration<CreditNote>
{
    public void Configure(EntityTypeBuilder<CreditNote> note)
    {
        note.ToTable("credit_notes");
        note.HasKey(n => n.Id);
        note.Property(n => n.Id).ValueGeneratedNever();
        note.Property(n => n.Version).IsConcurrencyToken();
        note.HasIndex(n => new { n.TenantId, n.Id });
        note.HasIndex(n => new { n.TenantId, n.Number }).IsUnique();
        note.HasIndex(n => new { n.TenantId, n.InvoiceId });
        note.Property(n => n.Number).HasMaxLength(20);
        note.Property(n => n.InvoiceNumber).HasMaxLength(20);
        note.Property(n => n.Currency).HasMaxLength(3);
        note.Property(n => n.Reason).HasMaxLength(InvoiceRequests.ReasonLength);
        note.Property(n => n.Lines).HasColumnType("jsonb").HasConversion(JsonColumn<IReadOnlyList<InvoiceLine>>.Converter, JsonColumn<IReadOnlyList<InvoiceLine>>.Comparer);
        note.Property(n => n.NetTotal).HasPrecision(20, 4);
        note.Property(n => n.TaxTotal).HasPrecision(20, 4);
        note.Property(n => n.Total).HasPrecision(20, 4);
        note.Property(n => n.Unapplied).HasPrecision(20, 4);
        note.Property(n => n.Allocations).HasColumnType("jsonb").HasConversion(JsonColumn<IReadOnlyList<CreditAllocation>>.Converter, JsonColumn<IReadOnlyList<CreditAllocation>>.Comparer);
        note.HasIndex(n => new { n.TenantId, n.BillingAccountId }).HasFilter("unapplied > 0");
    }
}
