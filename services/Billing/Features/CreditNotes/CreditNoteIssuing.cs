using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Billing.Features.Numbering;
using CrmCloud.Contracts.Billing;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.CreditNotes;

/// <summary>Issuing a credit note against an invoice locked for the caller's transaction, by hand or for a cancelled order.</summary>
public static class CreditNoteIssuing
{
    /// <summary>The invoice, locked until the transaction ends, so a concurrent payment or credit note sees what this one takes off.</summary>
    public static Task<Invoice?> LockInvoiceAsync(BillingDb db, Guid invoiceId, CancellationToken cancellationToken) =>
        db.Invoices
            .FromSql($"SELECT * FROM invoices WHERE tenant_id = {db.Tenant.TenantId} AND id = {invoiceId} FOR UPDATE")
            .IgnoreQueryFilters()
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>The credit notes issued against the invoice so far, oldest first.</summary>
    public static Task<List<CreditNote>> EarlierAsync(BillingDb db, Invoice invoice, CancellationToken cancellationToken) =>
        db.CreditNotes.AsNoTracking().Where(n => n.InvoiceId == invoice.Id).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync(cancellationToken);

    /// <summary>
    /// Issues the note with the next CN number and applies it to the invoice up to what the invoice still owes; the rest
    /// stays with the note as account credit. Publishes CreditNoteIssued, and InvoicePaid when it settles the invoice.
    /// </summary>
    public static async Task<CreditNote> IssueAsync(
        BillingDb db, Invoice invoice, Guid id, IReadOnlyList<InvoiceLine> lines, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var number = await DocumentCounter.NextAsync(db, CreditNote.Document, CreditNote.Series, cancellationToken);
        var note = CreditNote.Issue(db.Tenant.TenantId, id, invoice, number, lines, reason, now);
        db.CreditNotes.Add(note);
        db.Publish(new CreditNoteIssued(
            note.TenantId, note.Id, number, invoice.Id, invoice.Number!, invoice.PersonId, invoice.CompanyId, invoice.BillingAccountId,
            note.Total, note.TaxTotal, note.Currency, note.Reason, note.IssuedOn, now));
        if (note.AppliedTo(invoice.Id) is > 0 and var applied && invoice.ApplyCredit(applied, now))
        {
            db.Publish(invoice.Paid(note.IssuedOn, now));
        }

        return note;
    }

    /// <summary>
    /// Lines that credit all the invoice still has uncredited: its own lines, less each earlier note's lines (negated, so
    /// every tax rate's net and tax come out exactly).
    /// </summary>
    public static List<InvoiceLine> Remainder(Invoice invoice, IReadOnlyList<CreditNote> earlier) =>
        [
            .. invoice.Lines,
            .. earlier.SelectMany(note => note.Lines.Select(line => line with
            {
                Description = $"Less {note.Number}: {line.Description}",
                Quantity = -line.Quantity,
                Discount = -line.Discount,
                NetAmount = -line.NetAmount,
                TaxAmount = -line.TaxAmount,
            })),
        ];
}
