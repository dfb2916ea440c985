using System.Text.Json.Serialization;
using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Contracts.Billing;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Billing.Features.Invoices;

public enum InvoiceStatus
{
    [JsonStringEnumMemberName("draft")] Draft,
    [JsonStringEnumMemberName("issued")] Issued,
    [JsonStringEnumMemberName("partially-paid")] PartiallyPaid,
    [JsonStringEnumMemberName("paid")] Paid,
    [JsonStringEnumMemberName("overdue")] Overdue,
    [JsonStringEnumMemberName("void")] Void,
}

/// <summary>Who an issued invoice is addressed to, as it was at issue: kept for the legally required record even after the person is erased.</summary>
public sealed record BillTo(string Name, string? Email, PostalAddress? Address, string? TaxId);

/// <summary>
/// An invoice: a draft whose lines may change, then issued with a number (and from then on immutable: corrections are
/// credit notes), settled by payments and credit notes, or voided with a reason. Created by hand, from a placed order
/// (<see cref="OrderId"/>, at most one invoice per order) or from a subscription's period (<see cref="SubscriptionId"/>
/// and <see cref="PeriodStart"/>, at most one invoice per period).
/// </summary>
public sealed class Invoice : IBilledToAccount
{
    public const string DefaultSeries = "INV";

    private Invoice()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid BillingAccountId { get; private set; }

    public Guid PersonId { get; private set; }

    public Guid? CompanyId { get; private set; }

    public Guid? OrderId { get; private set; }

    public Guid? SubscriptionId { get; private set; }

    public DateOnly? PeriodStart { get; private set; }

    public string Series { get; private set; } = DefaultSeries;

    public string? Number { get; private set; }

    public InvoiceStatus Status { get; private set; }

    public string Currency { get; private set; } = "";

    public IReadOnlyList<InvoiceLine> Lines { get; private set; } = [];

    public decimal NetTotal { get; private set; }

    public decimal TaxTotal { get; private set; }

    public decimal Total { get; private set; }

    public decimal PaidAmount { get; private set; }

    public decimal CreditedAmount { get; private set; }

    public string? Memo { get; private set; }

    public DateOnly? IssuedOn { get; private set; }

    public DateOnly? DueDate { get; private set; }

    public BillTo? BillTo { get; private set; }

    public string? VoidReason { get; private set; }

    public DateTimeOffset? VoidedAt { get; private set; }

    public DateTimeOffset? OverdueAt { get; private set; }

    /// <summary>The reminder steps (days after the due date) already sent, each once.</summary>
    public IReadOnlyList<int> RemindersSent { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    /// <summary>What is still to be paid: the total less payments and credit notes.</summary>
    public decimal Outstanding => Total - PaidAmount - CreditedAmount;

    public bool IsOpen => Status is InvoiceStatus.Issued or InvoiceStatus.PartiallyPaid or InvoiceStatus.Overdue;

    public static Invoice Draft(string tenantId, Guid id, InvoiceSource source, string series, string currency, IReadOnlyList<InvoiceLine> lines, string? memo, DateTimeOffset now)
    {
        var invoice = new Invoice
        {
            Id = id,
            TenantId = tenantId,
            BillingAccountId = source.BillingAccountId,
            PersonId = source.PersonId,
            CompanyId = source.CompanyId,
            OrderId = source.OrderId,
            SubscriptionId = source.SubscriptionId,
            PeriodStart = source.PeriodStart,
            Series = series,
            Status = InvoiceStatus.Draft,
            Currency = currency,
            Memo = memo,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        invoice.SetLines(lines);
        return invoice;
    }

    /// <summary>Replaces a draft's lines and memo; false when nothing changes.</summary>
    public bool Revise(IReadOnlyList<InvoiceLine> lines, string? memo, DateTimeOffset now)
    {
        EnsureDraft();
        if (lines.SequenceEqual(Lines) && memo == Memo)
        {
            return false;
        }

        SetLines(lines);
        Memo = memo;
        Touch(now);
        return true;
    }

    public void Issue(string number, DateOnly issuedOn, int paymentTermsDays, BillTo billTo, DateTimeOffset now)
    {
        EnsureDraft();
        Number = number;
        IssuedOn = issuedOn;
        DueDate = issuedOn.AddDays(paymentTermsDays);
        BillTo = billTo;
        Status = InvoiceStatus.Issued;
        Touch(now);
    }

    /// <summary>Only an issued invoice nothing has been paid or credited against can be voided.</summary>
    public string? CannotVoid() => Status switch
    {
        InvoiceStatus.Draft => "A draft is deleted, not voided.",
        InvoiceStatus.Void => "The invoice is void already.",
        _ when PaidAmount != 0 || CreditedAmount != 0 => "Payments or credit notes are applied to the invoice; credit the rest with a credit note instead.",
        _ => null,
    };

    public void Void(string reason, DateTimeOffset now)
    {
        VoidReason = reason;
        VoidedAt = now;
        Status = InvoiceStatus.Void;
        Touch(now);
    }

    /// <summary>
    /// Drops what an erased person's issued invoice holds beyond what was printed on it: the addressee's email. The
    /// number, dates, lines, amounts, name, address and tax id stay, as the law requires of an issued invoice.
    /// </summary>
    /// <returns>False when there was nothing to drop.</returns>
    public bool ForgetUnprintedContactDetails(DateTimeOffset now)
    {
        if (BillTo is not { Email: not null } billTo)
        {
            return false;
        }

        BillTo = billTo with { Email = null };
        Touch(now);
        return true;
    }

    /// <returns>True when this payment settles the invoice in full.</returns>
    public bool ApplyPayment(decimal amount, DateTimeOffset now)
    {
        PaidAmount += amount;
        return Settle(now);
    }

    /// <returns>True when this credit settles the invoice in full.</returns>
    public bool ApplyCredit(decimal amount, DateTimeOffset now)
    {
        CreditedAmount += amount;
        return Settle(now);
    }

    /// <summary>The event that tells the invoice was settled in full on <paramref name="paidOn"/>.</summary>
    public InvoicePaid Paid(DateOnly paidOn, DateTimeOffset now) =>
        new(TenantId, Id, Number!, PersonId, CompanyId, BillingAccountId, Total, Currency, paidOn, now);

    /// <returns>False when the invoice was overdue already or is not open.</returns>
    public bool MarkOverdue(DateTimeOffset now)
    {
        if (Status is not (InvoiceStatus.Issued or InvoiceStatus.PartiallyPaid))
        {
            return false;
        }

        OverdueAt = now;
        Status = InvoiceStatus.Overdue;
        Touch(now);
        return true;
    }

    public void RecordReminders(IEnumerable<int> steps, DateTimeOffset now)
    {
        RemindersSent = [.. RemindersSent.Concat(steps).Distinct().Order()];
        Touch(now);
    }

    private bool Settle(DateTimeOffset now)
    {
        Status = Outstanding <= 0 ? InvoiceStatus.Paid
            : OverdueAt is not null ? InvoiceStatus.Overdue
            : PaidAmount > 0 ? InvoiceStatus.PartiallyPaid
            : InvoiceStatus.Issued;
        Touch(now);
        return Status == InvoiceStatus.Paid;
    }

    private void SetLines(IReadOnlyList<InvoiceLine> lines)
    {
        var totals = DocumentTotals.Of(lines);
        Lines = lines;
        NetTotal = totals.NetTotal;
        TaxTotal = totals.TaxTotal;
        Total = totals.Total;
    }

    private void EnsureDraft()
    {
        if (Status != InvoiceStatus.Draft)
        {
            throw new InvalidOperationException("An issued invoice is immutable.");
        }
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>Where an invoice comes from: the account it bills, and the order or subscription period behind it.</summary>
public sealed record InvoiceSource(Guid BillingAccountId, Guid PersonId, Guid? CompanyId, Guid? OrderId = null, Guid? SubscriptionId = null, DateOnly? PeriodStart = null);
