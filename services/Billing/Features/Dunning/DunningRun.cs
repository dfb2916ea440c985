using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Contracts.Billing;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.Dunning;

/// <summary>
/// Moves invoices past their due date to overdue (publishing <see cref="InvoiceOverdue"/> once) and sends each reminder
/// step of the tenant's schedule once (<see cref="InvoiceReminderDue"/>). Invoices are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> and their new state commits with the events, so restarts and parallel instances
/// neither miss nor repeat one. When several steps have passed at once (the scheduler was down), only the latest is
/// sent and the earlier ones are recorded as passed.
/// </summary>
public static class DunningRun
{
    private const int Batch = 500;

    /// <returns>How many events were published.</returns>
    public static async Task<int> RunAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        List<string> tenants;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BillingDb>();
            var open = new[] { InvoiceStatus.Issued, InvoiceStatus.PartiallyPaid, InvoiceStatus.Overdue };
            tenants = await db.Invoices.IgnoreQueryFilters().AsNoTracking()
                .Where(i => open.Contains(i.Status) && i.DueDate < today)
                .Select(i => i.TenantId)
                .Distinct()
                .ToListAsync(cancellationToken);
        }

        var published = 0;
        foreach (var tenant in tenants)
        {
            published += await RunForTenantAsync(scopes, tenant, now, cancellationToken);
        }

        return published;
    }

    private static async Task<int> RunForTenantAsync(IServiceScopeFactory scopes, string tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Use(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<BillingDb>();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var steps = (await db.DunningPolicies.AsNoTracking().FirstOrDefaultAsync(cancellationToken))?.ReminderDays ?? [];

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var invoices = await db.Invoices
            .FromSql(
                $"""
                SELECT * FROM invoices
                WHERE tenant_id = {tenantId} AND status IN ('issued', 'partially-paid', 'overdue') AND due_date < {today}
                ORDER BY due_date
                LIMIT {Batch}
                FOR UPDATE SKIP LOCKED
                """)
            .IgnoreQueryFilters()
            .ToListAsync(cancellationToken);
        var published = 0;
        foreach (var invoice in invoices)
        {
            var due = invoice.DueDate!.Value;
            if (invoice.MarkOverdue(now))
            {
                db.Publish(new InvoiceOverdue(
                    tenantId, invoice.Id, invoice.Number!, invoice.PersonId, invoice.CompanyId, invoice.BillingAccountId, invoice.Outstanding, invoice.Currency, due, now));
                published++;
            }

            var passed = steps.Where(days => due.AddDays(days) <= today && !invoice.RemindersSent.Contains(days)).ToList();
            if (passed.Count > 0)
            {
                invoice.RecordReminders(passed, now);
                db.Publish(new InvoiceReminderDue(
                    tenantId, invoice.Id, invoice.Number!, invoice.PersonId, invoice.BillingAccountId, passed.Max(), invoice.Outstanding, invoice.Currency, due, now));
                published++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return published;
    }
}
