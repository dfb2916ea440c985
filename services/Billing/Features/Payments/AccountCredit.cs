using CrmCloud.Billing.Features.Invoices;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.Payments;

/// <summary>
/// The credit an account holds (payments' unallocated part, credit notes' unapplied part) settles its invoices as they are
/// issued, oldest credit first, each part recorded as an allocation on the payment or credit note it came from.
/// </summary>
public static class AccountCredit
{
    /// <summary>Applies the account's credit in the invoice's currency to a just-issued invoice, in the caller's transaction.</summary>
    public static async Task ApplyAsync(BillingDb db, Invoice invoice, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tenant = db.Tenant.TenantId;
        // Locked, so two invoices issued at once for the account never take the same credit; an account without credit locks nothing.
        var payments = await db.Payments
            .FromSql(
                $"""
                SELECT * FROM payments
                WHERE tenant_id = {tenant} AND billing_account_id = {invoice.BillingAccountId} AND currency = {invoice.Currency} AND unallocated > 0
                ORDER BY received_at, id
                FOR UPDATE
                """)
            .IgnoreQueryFilters()
            .ToListAsync(cancellationToken);
        var notes = await db.CreditNotes
            .FromSql(
                $"""
                SELECT * FROM credit_notes
                WHERE tenant_id = {tenant} AND billing_account_id = {invoice.BillingAccountId} AND currency = {invoice.Currency} AND unapplied > 0
                ORDER BY created_at, id
                FOR UPDATE
                """)
            .IgnoreQueryFilters()
            .ToListAsync(cancellationToken);
        var credits = payments.Select(p => new Credit(p.ReceivedAt, p.Unallocated, amount => p.Allocate(invoice, amount, now)))
            .Concat(notes.Select(n => new Credit(n.CreatedAt, n.Unapplied, amount => n.Allocate(invoice, amount, now))))
            .OrderBy(c => c.Since);
        var paidOn = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var credit in credits.TakeWhile(_ => invoice.Outstanding > 0))
        {
            var take = Math.Min(credit.Left, invoice.Outstanding);
            credit.Allocate(take);
            if (invoice.ApplyPayment(take, now))
            {
                db.Publish(invoice.Paid(paidOn, now));
            }
        }
    }

    private sealed record Credit(DateTimeOffset Since, decimal Left, Action<decimal> Allocate);
}
