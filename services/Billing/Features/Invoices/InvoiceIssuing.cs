using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Billing.Features.Numbering;
using CrmCloud.Billing.Features.Payments;
using CrmCloud.Contracts.Billing;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.Invoices;

/// <summary>
/// Issuing: the number, the dates and the addressee fixed at once, <see cref="InvoiceIssued"/> in the same transaction,
/// and the account's credit applied to it (<see cref="AccountCredit"/>).
/// </summary>
public static class InvoiceIssuing
{
    public const string Document = "invoice";

    /// <summary>Issues a draft inside the caller's transaction (the number is taken there, so a rollback leaves no gap).</summary>
    public static async Task IssueAsync(BillingDb db, Invoice invoice, BillingAccount account, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var number = await DocumentCounter.NextAsync(db, Document, invoice.Series, cancellationToken);
        var billTo = new BillTo(account.BillingName, account.Email, account.BillingAddress, account.Terms.TaxId);
        invoice.Issue(number, DateOnly.FromDateTime(now.UtcDateTime), account.Terms.PaymentTermsDays, billTo, now);
        db.Publish(new InvoiceIssued(
            invoice.TenantId, invoice.Id, number, invoice.PersonId, invoice.CompanyId, invoice.BillingAccountId,
            invoice.Total, invoice.TaxTotal, invoice.Currency, invoice.IssuedOn!.Value, invoice.DueDate!.Value, invoice.OrderId, now));
        await AccountCredit.ApplyAsync(db, invoice, now, cancellationToken);
    }

    /// <summary>
    /// Issues a draft in a transaction of its own; false when the invoice changed since it was read (another issuer got
    /// there first): nothing is committed, and the number goes back to the counter.
    /// </summary>
    public static async Task<bool> TryIssueAsync(BillingDb db, Invoice invoice, BillingAccount account, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await IssueAsync(db, invoice, account, now, cancellationToken);
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The account an invoice bills; null when it has gone (a deleted person's tombstone).</summary>
    public static Task<BillingAccount?> AccountOfAsync(BillingDb db, Invoice invoice, CancellationToken cancellationToken) =>
        db.BillingAccounts.FirstOrDefaultAsync(a => a.Id == invoice.BillingAccountId, cancellationToken);
}
