using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Contracts.Billing;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.BillingAccounts;

/// <summary>
/// What billing does when contacts erases a person, beside the account's tombstone (<see cref="BillingAccount"/>): it keeps
/// the documents the law requires it to keep, as they were issued, and drops the rest (docs/decisions/0006-billing-erasure.md).
/// </summary>
public static class AccountErasure
{
    public static async Task EraseAsync(BillingDb db, Guid personId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A draft has no number and is no record of anything; its account is gone, so it could never be issued.
        await db.Invoices.Where(i => i.PersonId == personId && i.Status == InvoiceStatus.Draft).ExecuteDeleteAsync(cancellationToken);
        foreach (var invoice in await db.Invoices.Where(i => i.PersonId == personId && i.Status != InvoiceStatus.Draft).ToListAsync(cancellationToken))
        {
            invoice.ForgetUnprintedContactDetails(now);
        }

        foreach (var payment in await db.Payments.Where(p => p.PersonId == personId).ToListAsync(cancellationToken))
        {
            payment.ForgetRefundReasons(now);
        }

        // Nobody is left to bill: the subscriptions end today, and no later period is invoiced to a tombstone.
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var subscription in await db.Subscriptions.Where(s => s.PersonId == personId && s.CancelledAt == null).ToListAsync(cancellationToken))
        {
            subscription.Cancel(atPeriodEnd: false, today, now);
            db.Publish(new SubscriptionCancelled(subscription.TenantId, subscription.Id, personId, subscription.BillingAccountId, subscription.EndsOn!.Value, false, now));
        }
    }
}
