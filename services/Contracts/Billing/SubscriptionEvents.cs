namespace CrmCloud.Contracts.Billing;

/// <summary>
/// A subscription started in billing: <see cref="PlanName"/> at <see cref="Price"/> in <see cref="Currency"/> per
/// <see cref="Interval"/> (<c>"month"</c> or <c>"year"</c>), from <see cref="StartsOn"/>.
/// </summary>
public sealed record SubscriptionStarted(
    string TenantId,
    Guid SubscriptionId,
    Guid PersonId,
    Guid BillingAccountId,
    string PlanName,
    decimal Price,
    string Currency,
    string Interval,
    DateOnly StartsOn,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A subscription entered a new period (from <see cref="PeriodStart"/> to before <see cref="PeriodEnd"/>), invoiced by <see cref="InvoiceId"/>.</summary>
public sealed record SubscriptionRenewed(
    string TenantId,
    Guid SubscriptionId,
    Guid PersonId,
    Guid BillingAccountId,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    Guid InvoiceId,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// A subscription was cancelled in billing; it ends on <see cref="EndsOn"/> (the end of the current period when it
/// was cancelled at period end, else the day of cancellation) and issues no further invoices.
/// </summary>
public sealed record SubscriptionCancelled(
    string TenantId,
    Guid SubscriptionId,
    Guid PersonId,
    Guid BillingAccountId,
    DateOnly EndsOn,
    bool AtPeriodEnd,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
