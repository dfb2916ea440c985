namespace CrmCloud.Contracts.Billing;

/// <summary>
/// An issued invoice was settled in full in billing (by payments and credit notes): <see cref="Total"/> in
/// <see cref="Currency"/> (ISO 4217), <see cref="PaidOn"/> the date of the settling payment or credit note.
/// </summary>
public sealed record InvoicePaid(
    string TenantId,
    Guid InvoiceId,
    string InvoiceNumber,
    Guid PersonId,
    Guid? CompanyId,
    Guid BillingAccountId,
    decimal Total,
    string Currency,
    DateOnly PaidOn,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// An issued invoice passed its <see cref="DueDate"/> unpaid in billing: <see cref="AmountDue"/> in <see cref="Currency"/>
/// is what is still owed. Published once per invoice.
/// </summary>
public sealed record InvoiceOverdue(
    string TenantId,
    Guid InvoiceId,
    string InvoiceNumber,
    Guid PersonId,
    Guid? CompanyId,
    Guid BillingAccountId,
    decimal AmountDue,
    string Currency,
    DateOnly DueDate,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// A payment reminder for an overdue invoice is due: <see cref="DaysAfterDue"/> is the step of the tenant's dunning
/// schedule it answers (<c>7</c>, <c>14</c>, ...). Published once per invoice and step, for whoever sends reminders.
/// </summary>
public sealed record InvoiceReminderDue(
    string TenantId,
    Guid InvoiceId,
    string InvoiceNumber,
    Guid PersonId,
    Guid BillingAccountId,
    int DaysAfterDue,
    decimal AmountDue,
    string Currency,
    DateOnly DueDate,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// A credit note was issued in billing against <see cref="InvoiceId"/>: <see cref="Total"/> (tax included, of which
/// <see cref="TaxTotal"/>) in <see cref="Currency"/> is taken off what the invoice asks for.
/// </summary>
public sealed record CreditNoteIssued(
    string TenantId,
    Guid CreditNoteId,
    string CreditNoteNumber,
    Guid InvoiceId,
    string InvoiceNumber,
    Guid PersonId,
    Guid? CompanyId,
    Guid BillingAccountId,
    decimal Total,
    decimal TaxTotal,
    string Currency,
    string Reason,
    DateOnly IssuedOn,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
