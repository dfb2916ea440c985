using CrmCloud.Billing.Features.CreditNotes;
using CrmCloud.Contracts.Sales;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Billing.Features.Invoices;

/// <summary>An order sales cancelled, remembered so that its <see cref="OrderPlaced"/>, delivered late, bills nothing.</summary>
public sealed class CancelledOrder : ITenantOwned
{
    private CancelledOrder()
    {
    }

    public string TenantId { get; private set; } = "";

    public Guid OrderId { get; private set; }

    public DateTimeOffset CancelledAt { get; private set; }

    public static CancelledOrder Of(string tenantId, Guid orderId, DateTimeOffset now) => new() { TenantId = tenantId, OrderId = orderId, CancelledAt = now };
}

/// <summary>
/// Undoes the billing of a cancelled order, by the rules that hold for any invoice: a draft is deleted, an issued invoice
/// nothing was paid or credited on is voided, and one that was is credited in full by a credit note, so what was paid
/// becomes account credit.
/// </summary>
public static class OrderCancellation
{
    public const string Reason = "order cancelled";

    /// <summary>
    /// Placing and cancelling an order meet on this lock, taken first in either's transaction: either the invoice exists
    /// when the cancellation looks for it, or the cancellation is recorded when the order comes to be billed.
    /// </summary>
    public static Task LockOrderAsync(BillingDb db, Guid orderId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({db.Tenant.TenantId} || ':' || {orderId.ToString()}, 0))", cancellationToken);

    public static Task<bool> IsCancelledAsync(BillingDb db, Guid orderId, CancellationToken cancellationToken) =>
        db.CancelledOrders.AnyAsync(c => c.OrderId == orderId, cancellationToken);

    public static async Task CancelAsync(BillingDb db, OrderCancelled order, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await LockOrderAsync(db, order.OrderId, cancellationToken);
        // The same cancellation published again under another message id: only the order id can tell.
        if (await IsCancelledAsync(db, order.OrderId, cancellationToken))
        {
            return;
        }

        db.CancelledOrders.Add(CancelledOrder.Of(order.TenantId, order.OrderId, now));
        var invoiceId = await db.Invoices.Where(i => i.OrderId == order.OrderId).Select(i => (Guid?)i.Id).FirstOrDefaultAsync(cancellationToken);
        if (invoiceId is null || await CreditNoteIssuing.LockInvoiceAsync(db, invoiceId.Value, cancellationToken) is not { } invoice)
        {
            return;
        }

        if (invoice.Status == InvoiceStatus.Draft)
        {
            db.Invoices.Remove(invoice);
        }
        else if (invoice.CannotVoid() is null)
        {
            invoice.Void(Reason, now);
        }
        else if (invoice.Status != InvoiceStatus.Void)
        {
            var lines = CreditNoteIssuing.Remainder(invoice, await CreditNoteIssuing.EarlierAsync(db, invoice, cancellationToken));
            if (DocumentTotals.Of(lines).Total > 0)
            {
                await CreditNoteIssuing.IssueAsync(db, invoice, Ids.New(), lines, Reason, now, cancellationToken);
            }
        }
    }
}

internal sealed class CancelledOrderConfiguration : IEntityTypeConfiguration<CancelledOrder>
{
    public void Configure(EntityTypeBuilder<CancelledOrder> order)
    {
        order.ToTable("cancelled_orders");
        order.HasKey(o => new { o.TenantId, o.OrderId });
    }
}
