using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Billing.Features.Invoices;

/// <remarks>
/// The unique indexes are the guarantees: one number per tenant and series, one invoice per order, one per
/// subscription period, whatever the redeliveries, retries and concurrent schedulers.
/// </remarks>
internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> invoice)
    {
        invoice.ToTable("invoices");
        invoice.HasKey(i => i.Id);
        invoice.Property(i => i.Id).ValueGeneratedNever();
        invoice.Property(i => i.Version).IsConcurrencyToken();
        invoice.HasIndex(i => new { i.TenantId, i.Id });
        invoice.HasIndex(i => new { i.TenantId, i.Series, i.Number }).IsUnique().HasFilter("number IS NOT NULL");
        invoice.HasIndex(i => new { i.TenantId, i.OrderId }).IsUnique().HasFilter("order_id IS NOT NULL");
        invoice.HasIndex(i => new { i.TenantId, i.SubscriptionId, i.PeriodStart }).IsUnique().HasFilter("subscription_id IS NOT NULL");
        invoice.HasIndex(i => new { i.TenantId, i.BillingAccountId, i.Status });
        invoice.HasIndex(i => new { i.Status, i.DueDate });
        invoice.Property(i => i.Series).HasMaxLength(10);
        invoice.Property(i => i.Number).HasMaxLength(20);
        invoice.Property(i => i.Status).HasMaxLength(20).HasConversion(WireNames<InvoiceStatus>.Converter);
        invoice.Property(i => i.Currency).HasMaxLength(3);
        invoice.Property(i => i.Lines).HasColumnType("jsonb").HasConversion(JsonColumn<IReadOnlyList<InvoiceLine>>.Converter, JsonColumn<IReadOnlyList<InvoiceLine>>.Comparer);
        invoice.Property(i => i.BillTo).HasColumnType("jsonb").HasConversion(JsonColumn<BillTo?>.Converter, JsonColumn<BillTo?>.Comparer);
        invoice.Property(i => i.RemindersSent).HasColumnType("jsonb").HasConversion(JsonColumn<IReadOnlyList<int>>.Converter, JsonColumn<IReadOnlyList<int>>.Comparer);
        invoice.Property(i => i.NetTotal).HasPrecision(20, 4);
        invoice.Property(i => i.TaxTotal).HasPrecision(20, 4);
        invoice.Property(i => i.Total).HasPrecision(20, 4);
        invoice.Property(i => i.PaidAmount).HasPrecision(20, 4);
        invoice.Property(i => i.CreditedAmount).HasPrecision(20, 4);
        invoice.Property(i => i.Memo).HasMaxLength(InvoiceRequests.MemoLength);
        invoice.Property(i => i.VoidReason).HasMaxLength(InvoiceRequests.ReasonLength);
        invoice.Ignore(i => i.Outstanding);
        invoice.Ignore(i => i.IsOpen);
    }
}
