using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Billing.Features.Payments;

/// <summary>A part of a payment applied to one invoice.</summary>
public sealed record PaymentAllocation(Guid InvoiceId, string InvoiceNumber, decimal Amount);

/// <summary>Money given back from a payment's unallocated credit.</summary>
public sealed record PaymentRefund(Guid Id, decimal Amount, string Reason, DateTimeOffset RefundedAt);

/// <summary>
/// Money received from an account, allocated to its invoices when it is recorded; what no invoice takes stays with the
/// payment as <see cref="Unallocated"/> account credit, which can be refunded. A payment is recorded once per
/// <see cref="ExternalReference"/> (the bank's or card processor's id), however often it is posted.
/// </summary>
public sealed class Payment : IBilledToAccount
{
    public const string ErasedReason = "(erased)";

    private Payment()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid BillingAccountId { get; private set; }

    public Guid PersonId { get; private set; }

    public decimal Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public string? Method { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    public string? ExternalReference { get; private set; }

    public IReadOnlyList<PaymentAllocation> Allocations { get; private set; } = [];

    public decimal Unallocated { get; private set; }

    public IReadOnlyList<PaymentRefund> Refunds { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    public static Payment Record(
        string tenantId, Guid id, Guid billingAccountId, Guid personId, decimal amount, string currency, string? method,
        DateTimeOffset receivedAt, string? externalReference, IReadOnlyList<PaymentAllocation> allocations, DateTimeOffset now) => new()
        {
            Id = id,
            TenantId = tenantId,
            BillingAccountId = billingAccountId,
            PersonId = personId,
            Amount = amount,
            Currency = currency,
            Method = method,
            ReceivedAt = receivedAt,
            ExternalReference = externalReference,
            Allocations = allocations,
            Unallocated = amount - allocations.Sum(a => a.Amount),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };

    /// <summary>Applies part of the payment's unallocated credit to an invoice issued after it.</summary>
    public void Allocate(Invoice invoice, decimal amount, DateTimeOffset now)
    {
        if (amount > Unallocated)
        {
            throw new InvalidOperationException("Only unallocated credit can be allocated.");
        }

        Allocations = [.. Allocations, new PaymentAllocation(invoice.Id, invoice.Number!, amount)];
        Unallocated -= amount;
        UpdatedAt = now;
        Version++;
    }

    public PaymentRefund Refund(decimal amount, string reason, DateTimeOffset now)
    {
        if (amount > Unallocated)
        {
            throw new InvalidOperationException("Only unallocated credit can be refunded.");
        }

        var refund = new PaymentRefund(Ids.New(), amount, reason, now);
        Refunds = [.. Refunds, refund];
        Unallocated -= amount;
        UpdatedAt = now;
        Version++;
        return refund;
    }

    /// <summary>Replaces the refunds' free-text reasons, which may name the person, for an erased person's payment; the amounts stay.</summary>
    /// <returns>False when there was nothing to replace.</returns>
    public bool ForgetRefundReasons(DateTimeOffset now)
    {
        if (Refunds.All(r => r.Reason == ErasedReason))
        {
            return false;
        }

        Refunds = [.. Refunds.Select(r => r with { Reason = ErasedReason })];
        UpdatedAt = now;
        Version++;
        return true;
    }
}

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> payment)
    {
        payment.ToTable("payments");
        payment.HasKey(p => p.Id);
        payment.Property(p => p.Id).ValueGeneratedNever();
        payment.Property(p => p.Version).IsConcurrencyToken();
        payment.HasIndex(p => new { p.TenantId, p.Id });
        payment.HasIndex(p => new { p.TenantId, p.ExternalReference }).IsUnique().HasFilter("external_reference IS NOT NULL");
        payment.HasIndex(p => new { p.TenantId, p.BillingAccountId });
        payment.Property(p => p.Amount).HasPrecision(20, 4);
        payment.Property(p => p.Unallocated).HasPrecision(20, 4);
        payment.Property(p => p.Currency).HasMaxLength(3);
        payment.Property(p => p.Method).HasMaxLength(PaymentRequests.MethodLength);
        payment.Property(p => p.ExternalReference).HasMaxLength(PaymentRequests.ReferenceLength);
        payment.Property(p => p.Allocations).HasColumnType("jsonb").HasConversion(JsonColumn<IReadOnlyList<PaymentAllocation>>.Converter, JsonColumn<IReadOnlyList<PaymentAllocation>>.Comparer);
        payment.Property(p => p.Refunds).HasColumnType("jsonb").HasConversion(JsonColumn<IReadOnlyList<PaymentRefund>>.Converter, JsonColumn<IReadOnlyList<PaymentRefund>>.Comparer);
    }
}
