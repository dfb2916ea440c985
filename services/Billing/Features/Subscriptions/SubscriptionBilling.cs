using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Contracts.Billing;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.Subscriptions;

/// <summary>
/// Issues each subscription period's invoice exactly once, also after a restart and with several instances running:
/// a subscription is claimed with <c>FOR UPDATE SKIP LOCKED</c> (another instance skips it), its period is invoiced and
/// the subscription moved past it in one transaction, and the unique (subscription, period) index on invoices refuses
/// a second invoice for a period whatever happens.
/// </summary>
public static class SubscriptionBilling
{
    private const int Batch = 100;

    /// <returns>How many period invoices were issued.</returns>
    public static async Task<int> RunDueAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        List<(string TenantId, Guid Id)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BillingDb>();
            due = [.. (await db.Subscriptions.IgnoreQueryFilters().AsNoTracking()
                .Where(s => s.NextPeriodStart <= today && (s.EndsOn == null || s.NextPeriodStart < s.EndsOn))
                .OrderBy(s => s.NextPeriodStart)
                .Take(Batch)
                .Select(s => new { s.TenantId, s.Id })
                .ToListAsync(cancellationToken)).Select(s => (s.TenantId, s.Id))];
        }

        var issued = 0;
        foreach (var (tenantId, id) in due)
        {
            issued += await InvoiceDuePeriodsAsync(scopes, tenantId, id, now, cancellationToken);
        }

        return issued;
    }

    private static async Task<int> InvoiceDuePeriodsAsync(IServiceScopeFactory scopes, string tenantId, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Use(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<BillingDb>();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.Database
            .SqlQuery<Guid>($"SELECT id AS \"Value\" FROM subscriptions WHERE tenant_id = {tenantId} AND id = {id} FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);
        // Read after the lock is held, so what it says is what this transaction may change.
        var subscription = claimed.Count == 1 ? await db.Subscriptions.FirstAsync(s => s.Id == id, cancellationToken) : null;
        if (subscription is null || !subscription.IsDue(today))
        {
            return 0;
        }

        var account = await db.BillingAccounts.FirstOrDefaultAsync(a => a.Id == subscription.BillingAccountId, cancellationToken);
        if (account is null)
        {
            return 0;
        }

        var issued = 0;
        // A scheduler that was down for a while catches up: every missed period gets its one invoice.
        while (subscription.IsDue(today))
        {
            subscription.StartNextPeriod(now);
            var start = subscription.NextPeriodStart;
            var end = subscription.PeriodStart(subscription.NextPeriod + 1);
            var plan = subscription.Plan;
            var line = InvoiceLine.Priced(
                $"{plan.Name} ({start:yyyy-MM-dd} to {end.AddDays(-1):yyyy-MM-dd})", 1, plan.Price, 0, plan.TaxRateId, plan.TaxRateName, plan.TaxRate, plan.Currency);
            var invoice = Invoice.Draft(
                tenantId, Ids.New(), new InvoiceSource(account.Id, subscription.PersonId, null, SubscriptionId: subscription.Id, PeriodStart: start),
                Invoice.DefaultSeries, plan.Currency, [line, .. subscription.Adjustments], null, now);
            db.Invoices.Add(invoice);
            await InvoiceIssuing.IssueAsync(db, invoice, account, now, cancellationToken);
            if (subscription.NextPeriod > 0)
            {
                db.Publish(new SubscriptionRenewed(tenantId, subscription.Id, subscription.PersonId, account.Id, start, end, invoice.Id, now));
            }

            subscription.Advance(now);
            issued++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return issued;
    }
}
