using System.Text.Json.Serialization;
using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Platform.Api;
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
/// A plan billed to an account period after period from <see cref="StartsOn"/>: period <c>k</c> starts <c>k − AnchorPeriod</c>
/// intervals after <see cref="AnchorOn"/> (the start, until a plan change moves to another interval; anchored there, so a
/// subscription started on the 31st bills on the last day of shorter months). <see cref="NextPeriod"/> is the first period
/// not yet invoiced; the scheduler invoices it once its start has come, with the plan then in force and any
/// <see cref="Adjustments"/> (prorations) on the same invoice. Cancelling sets <see cref="EndsOn"/>: at the end of the
/// current period, or at once.
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

    /// <summary>The start of period <see cref="AnchorPeriod"/>, from which the periods of the current interval are counted.</summary>
    public DateOnly AnchorOn { get; private set; }

    public int AnchorPeriod { get; private set; }

    /// <summary>The plan that takes over from the next period on, when a change was asked for then.</summary>
    public Plan? PendingPlan { get; private set; }

    /// <summary>Lines the next period's invoice carries besides the plan: charges or credits of plan changes made mid-period.</summary>
    public IReadOnlyList<InvoiceLine> Adjustments { get; private set; } = [];

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
        AnchorOn = startsOn,
        NextPeriod = 0,
        NextPeriodStart = startsOn,
        CreatedAt = now,
        UpdatedAt = now,
        Version = 1,
    };

    public DateOnly PeriodStart(int period) =>
        Plan.Interval == BillingInterval.Year ? AnchorOn.AddYears(period - AnchorPeriod) : AnchorOn.AddMonths(period - AnchorPeriod);

    /// <summary>The period in course on <paramref name="today"/>: the last one invoiced, or none before the first.</summary>
    public (DateOnly Start, DateOnly End)? CurrentPeriod => NextPeriod == 0 ? null : (PeriodStart(NextPeriod - 1), PeriodStart(NextPeriod));

    public bool IsEnded(DateOnly today) => EndsOn is { } end && end <= today;

    /// <summary>Whether the next period's invoice is due on <paramref name="today"/>.</summary>
    public bool IsDue(DateOnly today) => NextPeriodStart <= today && (EndsOn is null || NextPeriodStart < EndsOn);

    /// <summary>Puts a pending plan in force for the period about to be invoiced; a new interval counts from that period's start.</summary>
    public void StartNextPeriod(DateTimeOffset now)
    {
        if (PendingPlan is not { } plan)
        {
            return;
        }

        if (plan.Interval != Plan.Interval)
        {
            AnchorOn = NextPeriodStart;
            AnchorPeriod = NextPeriod;
        }

        Plan = plan;
        PendingPlan = null;
        Touch(now);
    }

    /// <summary>
    /// Changes the plan: before the first period is invoiced, at once; otherwise from the next period on, or with
    /// <paramref name="now"/> at once for the rest of the current period, the difference for the days left of it charged
    /// (or credited) on the next period's invoice. A change now keeps the interval (<see cref="CannotChangeNow"/>).
    /// </summary>
    public void ChangePlan(Plan plan, bool now, DateOnly today, DateTimeOffset at)
    {
        if (CurrentPeriod is not { } current)
        {
            Plan = plan;
            PendingPlan = null;
        }
        else if (!now)
        {
            PendingPlan = plan;
        }
        else
        {
            var days = current.End.DayNumber - current.Start.DayNumber;
            var left = Math.Clamp(current.End.DayNumber - today.DayNumber, 0, days);
            var difference = Currencies.Round((plan.Price - Plan.Price) * left / days, plan.Currency);
            if (difference != 0)
            {
                Adjustments =
                [
                    .. Adjustments,
                    InvoiceLine.Priced(
                        $"{Plan.Name} to {plan.Name} from {today:yyyy-MM-dd}: {left} of {days} days", 1, difference, 0, plan.TaxRateId, plan.TaxRateName, plan.TaxRate, plan.Currency),
                ];
            }

            Plan = plan;
            PendingPlan = null;
        }

        Touch(at);
    }

    /// <summary>Why the plan cannot change at once to <paramref name="plan"/>; null when it can.</summary>
    public string? CannotChangeNow(Plan plan) =>
        plan.Interval != Plan.Interval && CurrentPeriod is not null
            ? $"A change to another interval takes effect at the next period ({NextPeriodStart:yyyy-MM-dd}); only the price changes at once."
            : null;

    /// <summary>Moves on past the period just invoiced, whose invoice carried the adjustments.</summary>
    public void Advance(DateTimeOffset now)
    {
        Adjustments = [];
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
        subscription.Property(s => s.PendingPlan).HasColumnType("jsonb").HasConversion(JsonColumn<Plan?>.Converter, JsonColumn<Plan?>.Comparer);
        subscription.Property(s => s.Adjustments).HasColumnType("jsonb").HasConversion(JsonColumn<IReadOnlyList<InvoiceLine>>.Converter, JsonColumn<IReadOnlyList<InvoiceLine>>.Comparer);
        subscription.Ignore(s => s.CurrentPeriod);
    }
}
