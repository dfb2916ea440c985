using System.Text.Json.Serialization;
using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Billing.Features.Subscriptions;

public enum BillingInterval
{
    [JsonStringEnumMemberName("month")] Month,
    [JsonStringEnumMemberName("year")] Year,
}

/// <summary>What a subscription bills each period: <see cref="Price"/> net, taxed at <see cref="TaxRate"/> (copied from the tenant's rate).</summary>
public sealed record Plan(string Name, decimal Price, string Currency, BillingInterval Interval, Guid? TaxRateId, string? TaxRateName, decimal TaxRate);

/// <summary>
/// A plan billed to an account period after period from <see cref="StartsOn"/>: period <c>k</c> starts <c>k</c> intervals
/// after the start (anchored there, so a subscription started on the 31st bills on the last day of shorter months).
/// <see cref="NextPeriod"/> is the first period not yet invoiced; the scheduler invoices it once its start has come.
/// Cancelling sets <see cref="EndsOn"/>: at the end of the current period, or at once.
/// </summary>
public sealed class Subscription : IBilledToAccount
{
    private Subscription()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid BillingAccountId { get; private set; }

    public Guid PersonId { get; private set; }

    public Plan Plan { get; private set; } = null!;

    public DateOnly StartsOn { get; private set; }

    public int NextPeriod { get; private set; }

    public DateOnly NextPeriodStart { get; private set; }

    public DateOnly? EndsOn { get; private set; }

    public bool CancelAtPeriodEnd { get; private set; }

    public DateTimeOffset? CancelledAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    public static Subscription Start(string tenantId, Guid id, Guid accountId, Guid personId, Plan plan, DateOnly startsOn, DateTimeOffset now) => new()
    {
        Id = id,
        TenantId = tenantId,
        BillingAccountId = accountId,
        PersonId = personId,
        Plan = plan,
        StartsOn = startsOn,
        NextPeriod = 0,
        NextPeriodStart = startsOn,
        CreatedAt = now,
        UpdatedAt = now,
        Version = 1,
    };

    public DateOnly PeriodStart(int period) => Plan.Interval == BillingInterval.Year ? StartsOn.AddYears(period) : StartsOn.AddMonths(period);

    /// <summary>The period in course on <paramref name="today"/>: the last one invoiced, or none before the first.</summary>
    public (DateOnly Start, DateOnly End)? CurrentPeriod => NextPeriod == 0 ? null : (PeriodStart(NextPeriod - 1), PeriodStart(NextPeriod));

    public bool IsEnded(DateOnly today) => EndsOn is { } end && end <= today;

    /// <summary>Whether the next period's invoice is due on <paramref name="today"/>.</summary>
    public bool IsDue(DateOnly today) => NextPeriodStart <= today && (EndsOn is null || NextPeriodStart < EndsOn);

    /// <summary>Moves on past the period just invoiced.</summary>
    public void Advance(DateTimeOffset now)
    {
        NextPeriod++;
        NextPeriodStart = PeriodStart(NextPeriod);
        Touch(now);
    }

    public void Cancel(bool atPeriodEnd, DateOnly today, DateTimeOffset now)
    {
        CancelAtPeriodEnd = atPeriodEnd;
        CancelledAt = now;
        EndsOn = atPeriodEnd && CurrentPeriod is { } current ? current.End : today;
        Touch(now);
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> subscription)
    {
        subscription.ToTable("subscriptions");
        subscription.HasKey(s => s.Id);
        subscription.Property(s => s.Id).ValueGeneratedNever();
        subscription.Property(s => s.Version).IsConcurrencyToken();
        subscription.HasIndex(s => new { s.TenantId, s.Id });
        subscription.HasIndex(s => new { s.TenantId, s.BillingAccountId });
        // The scheduler's question, across tenants: which subscriptions have a period to invoice.
        subscription.HasIndex(s => s.NextPeriodStart);
        subscription.ComplexProperty(s => s.Plan, plan =>
        {
            plan.Property(p => p.Name).HasColumnName("plan_name").HasMaxLength(SubscriptionRequests.NameLength);
            plan.Property(p => p.Price).HasColumnName("plan_price").HasPrecision(20, 6);
            plan.Property(p => p.Currency).HasColumnName("plan_currency").HasMaxLength(3);
            plan.Property(p => p.Interval).HasColumnName("plan_interval").HasMaxLength(10).HasConversion(WireNames<BillingInterval>.Converter);
            plan.Property(p => p.TaxRateId).HasColumnName("plan_tax_rate_id");
            plan.Property(p => p.TaxRateName).HasColumnName("plan_tax_rate_name").HasMaxLength(100);
            plan.Property(p => p.TaxRate).HasColumnName("plan_tax_rate").HasPrecision(7, 6);
        });
        subscription.Ignore(s => s.CurrentPeriod);
    }
}
