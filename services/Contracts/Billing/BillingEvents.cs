namespace CrmCloud.Contracts.Billing;

/// <summary>
/// An invoice was issued in billing to <see cref="PersonId"/> (the person in contacts behind
/// <see cref="BillingAccountId"/>), for <see cref="CompanyId"/> in contacts when it bills a company.
/// <see cref="Total"/> is the amount due including <see cref="TaxTotal"/>, in <see cref="Currency"/> (ISO 4217,
/// <c>"EUR"</c>); <see cref="IssuedOn"/> and <see cref="DueDate"/> are dates without time. <see cref="OrderId"/>
/// is the order in sales the invoice bills, when there is one.
/// </summary>
public sealed record InvoiceIssued(
    string TenantId,
    Guid InvoiceId,
    string InvoiceNumber,
    Guid PersonId,
    Guid? CompanyId,
    Guid BillingAccountId,
    decimal Total,
    decimal TaxTotal,
    string Currency,
    DateOnly IssuedOn,
    DateOnly DueDate,
    Guid? OrderId,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// A payment from <see cref="PersonId"/> (behind <see cref="BillingAccountId"/>) was received in billing:
/// <see cref="Amount"/> in <see cref="Currency"/> (ISO 4217), against <see cref="InvoiceId"/> when it settles one.
/// <see cref="Method"/> is lower-case (<c>"card"</c>, <c>"bank-transfer"</c>, <c>"direct-debit"</c>, ...).
/// </summary>
public sealed record PaymentReceived(
    string TenantId,
    Guid PaymentId,
    Guid PersonId,
    Guid? CompanyId,
    Guid BillingAccountId,
    Guid? InvoiceId,
    decimal Amount,
    string Currency,
    string? Method,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
