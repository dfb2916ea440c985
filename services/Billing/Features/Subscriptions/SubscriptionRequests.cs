using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.Subscriptions;

/// <summary>A plan as a caller writes it: <c>price</c> a decimal string per interval (<c>month</c> or <c>year</c>), net of the tax rate's tax.</summary>
public sealed record PlanRequest(string? Name, string? Price, string? Currency, string? Interval, Guid? TaxRateId);

/// <summary>A subscription to start: <c>startsOn</c> defaults to today; its first period is invoiced when it starts.</summary>
public sealed record CreateSubscriptionRequest(Guid? Id, Guid? BillingAccountId, PlanRequest? Plan, DateOnly? StartsOn);

public sealed record CancelSubscriptionRequest(bool? AtPeriodEnd);

/// <summary>A new plan and when it takes effect: <c>next-period</c> (the default) or <c>now</c>, prorated.</summary>
public sealed record ChangePlanRequest(PlanRequest? Plan, string? Effective)
{
    public const string NextPeriod = "next-period";
    public const string Now = "now";
}

public sealed record PlanResponse(string Name, Money Price, string Interval, Guid? TaxRateId, string? TaxRateName, decimal TaxRate)
{
    public static PlanResponse From(Plan plan) =>
        new(plan.Name, Money.Of(plan.Price, plan.Currency), WireNames<BillingInterval>.Of(plan.Interval), plan.TaxRateId, plan.TaxRateName, PricingFields.Trimmed(plan.TaxRate));
}

/// <summary>
/// A subscription as the API shows it: <see cref="PendingPlan"/> takes over at the next period, and
/// <see cref="NextInvoiceAdjustments"/> are the proration lines the next period's invoice will carry.
/// </summary>
public sealed record SubscriptionResponse(
    Guid Id, Guid BillingAccountId, Guid PersonId, PlanResponse Plan, PlanResponse? PendingPlan, IReadOnlyList<InvoiceLineResponse> NextInvoiceAdjustments,
    string Status, DateOnly StartsOn, DateOnly? CurrentPeriodStart, DateOnly? CurrentPeriodEnd, DateOnly? NextInvoiceOn, bool CancelAtPeriodEnd, DateOnly? EndsOn,
    DateTimeOffset? CancelledAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static SubscriptionResponse From(Subscription subscription, DateOnly today)
    {
        var current = subscription.CurrentPeriod;
        return new(
            subscription.Id,
            subscription.BillingAccountId,
            subscription.PersonId,
            PlanResponse.From(subscription.Plan),
            subscription.PendingPlan is { } pending ? PlanResponse.From(pending) : null,
            [.. subscription.Adjustments.Select(l => InvoiceLineResponse.From(l, subscription.Plan.Currency))],
            subscription.IsEnded(today) ? "cancelled" : subscription.StartsOn > today ? "scheduled" : "active",
            subscription.StartsOn,
            current?.Start,
            current?.End,
            subscription.EndsOn is { } end && subscription.NextPeriodStart >= end ? null : subscription.NextPeriodStart,
            subscription.CancelAtPeriodEnd,
            subscription.EndsOn,
            subscription.CancelledAt,
            subscription.CreatedAt,
            subscription.UpdatedAt,
            subscription.Version);
    }
}

public static class SubscriptionRequests
{
    public const int NameLength = 200;

    /// <summary>The plan a caller asks for, its currency defaulting to <paramref name="defaultCurrency"/>; null with errors naming <c>plan.*</c> fields.</summary>
    public static async Task<Plan?> PlanAsync(BillingDb db, PlanRequest? requested, string? defaultCurrency, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (requested is null)
        {
            errors.Add("plan", "This field is required.");
            return null;
        }

        var currency = requested.Currency is null ? defaultCurrency : Currencies.Validate("plan.currency", requested.Currency, errors);
        var name = errors.Required("plan.name", requested.Name, NameLength);
        var price = errors.Amount("plan.price", requested.Price, PricingFields.UnitPriceDecimals);
        BillingInterval interval = default;
        if (requested.Interval is null || !WireNames<BillingInterval>.TryParse(requested.Interval, out interval))
        {
            errors.Add("plan.interval", $"One of {string.Join(", ", WireNames<BillingInterval>.All)}.");
        }

        var rate = requested.TaxRateId is { } rateId ? await db.TaxRates.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rateId, cancellationToken) : null;
        if (requested.TaxRateId is not null && rate is null)
        {
            errors.Add("plan.taxRateId", "No tax rate with this id.");
        }

        return errors.IsEmpty ? new Plan(name!, price!.Value, currency!, interval, rate?.Id, rate?.Details.Name, rate?.Details.Rate ?? 0) : null;
    }
}
