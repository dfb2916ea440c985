using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Contracts.Billing;
using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.Payments;

/// <summary>
/// Allocating a payment to an account's open invoices, in the transaction that records it: the invoices are locked
/// first, so two payments for one account never allocate the same outstanding amount twice.
/// </summary>
public static class PaymentPosting
{
    /// <summary>The account's open invoices in <paramref name="currency"/>, oldest first, locked until the transaction ends.</summary>
    public static Task<List<Invoice>> LockOpenInvoicesAsync(BillingDb db, Guid accountId, string currency, CancellationToken cancellationToken)
    {
        var tenant = db.Tenant.TenantId;
        return db.Invoices
            .FromSql(
                $"""
                SELECT * FROM invoices
                WHERE tenant_id = {tenant} AND billing_account_id = {accountId} AND currency = {currency}
                  AND status IN ('issued', 'partially-paid', 'overdue')
                ORDER BY issued_on, number
                FOR UPDATE
                """)
            .IgnoreQueryFilters()
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The allocations: the caller's, each checked against what its invoice still owes (errors name
    /// <c>allocations[i].field</c>), or else oldest first until the amount runs out.
    /// </summary>
    public static List<(Invoice Invoice, decimal Amount)> Allocate(
        decimal amount, string currency, IReadOnlyList<AllocationRequest>? requested, List<Invoice> open, FieldErrors errors)
    {
        var allocations = new List<(Invoice, decimal)>();
        if (requested is null)
        {
            var left = amount;
            foreach (var invoice in open.Where(_ => left > 0))
            {
                var take = Math.Min(left, invoice.Outstanding);
                allocations.Add((invoice, take));
                left -= take;
            }

            return allocations;
        }

        if (requested.Count > PaymentRequests.MaxAllocations)
        {
            errors.Add("allocations", $"At most {PaymentRequests.MaxAllocations} allocations.");
            return allocations;
        }

        var byId = open.ToDictionary(i => i.Id);
        for (var index = 0; index < requested.Count; index++)
        {
            var field = $"allocations[{index}]";
            var share = errors.PositiveAmount($"{field}.amount", requested[index]?.Amount, currency);
            if (requested[index]?.InvoiceId is not { } invoiceId || !byId.TryGetValue(invoiceId, out var invoice))
            {
                errors.Add($"{field}.invoiceId", "No open invoice of this account in the payment's currency with this id.");
                continue;
            }

            if (allocations.Any(a => a.Item1.Id == invoiceId))
            {
                errors.Add($"{field}.invoiceId", "The invoice is named twice.");
            }
            else if (share > invoice.Outstanding)
            {
                errors.Add($"{field}.amount", $"More than the {Money.Of(invoice.Outstanding, currency).Amount} the invoice still owes.");
            }
            else if (share is { } value)
            {
                allocations.Add((invoice, value));
            }
        }

        if (allocations.Sum(a => a.Item2) > amount)
        {
            errors.Add("allocations", "The allocations add up to more than the payment.");
        }

        return allocations;
    }

    /// <summary>Applies the allocations to their invoices and publishes what happened, in the caller's transaction.</summary>
    public static Payment Post(
        BillingDb db, BillingAccount account, Guid id, decimal amount, string currency, string? method, DateTimeOffset receivedAt,
        string? externalReference, List<(Invoice Invoice, decimal Amount)> allocations, DateTimeOffset now)
    {
        var paidOn = DateOnly.FromDateTime(receivedAt.UtcDateTime);
        foreach (var (invoice, share) in allocations)
        {
            if (invoice.ApplyPayment(share, now))
            {
                db.Publish(invoice.Paid(paidOn, now));
            }
        }

        var payment = Payment.Record(
            db.Tenant.TenantId, id, account.Id, account.PersonId, amount, currency, method, receivedAt, externalReference,
            [.. allocations.Select(a => new PaymentAllocation(a.Invoice.Id, a.Invoice.Number!, a.Amount))], now);
        db.Payments.Add(payment);
        db.Publish(new PaymentReceived(
            payment.TenantId, payment.Id, account.PersonId, null, account.Id, allocations.Count == 1 ? allocations[0].Invoice.Id : null,
            amount, currency, method, now));
        return payment;
    }
}
