using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Billing.Features.Subscriptions;

/// <summary>A plan as a caller writes it: <c>price</c> a decimal string per interval (<c>month</c> or <c>year</c>), net of the tax rate's tax.</summary>
public sealed record PlanRequest(string? Name, string? Price, string? Currency, string? Interval, Guid? TaxRateId);

/// <summary>A subscription to start: <c>startsOn</c> defaults to today; its first period is invoiced when it starts.</summary>
public sealed record CreateSubscriptionRequest(Guid? Id, Guid? BillingAccountId, PlanRequest? Plan, DateOnly? StartsOn);

public sealed record CancelSubscriptionRequest(bool? AtPeriodEnd);

public sealed record PlanResponse(string Name, Money Price, string Interval, Guid? TaxRateId, string? TaxRateName, decimal TaxRate);

public sealed record SubscriptionResponse(
    Guid Id, Guid BillingAccountId, Guid PersonId, PlanResponse Plan, string Status, DateOnly StartsOn,
    DateOnly? CurrentPeriodStart, DateOnly? CurrentPeriodEnd, DateOnly? NextInvoiceOn, bool CancelAtPeriodEnd, DateOnly? EndsOn,
    DateTimeOffset? CancelledAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static SubscriptionResponse From(Subscription subscription, DateOnly today)
    {
        var plan = subscription.Plan;
        var current = subscription.CurrentPeriod;
        return new(
            subscription.Id,
            subscription.BillingAccountId,
            subscription.PersonId,
            new PlanResponse(plan.Name, Money.Of(plan.Price, plan.Currency), WireNames<BillingInterval>.Of(plan.Interval), plan.TaxRateId, plan.TaxRateName, PricingFields.Trimmed(plan.TaxRate)),
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
}
