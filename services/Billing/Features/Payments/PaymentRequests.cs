using CrmCloud.Platform.Api;

namespace CrmCloud.Billing.Features.Payments;

public sealed record AllocationRequest(Guid? InvoiceId, string? Amount);

/// <summary>
/// A payment to record: <c>amount</c> a decimal string in <c>currency</c>, <c>receivedAt</c> defaulting to now. Without
/// <c>allocations</c> it pays the account's open invoices in its currency oldest first; the rest becomes account credit.
/// </summary>
public sealed record CreatePaymentRequest(
    Guid? Id, Guid? BillingAccountId, string? Amount, string? Currency, string? Method, DateTimeOffset? ReceivedAt, string? ExternalReference, IReadOnlyList<AllocationRequest>? Allocations);

public sealed record RefundRequest(string? Amount, string? Reason);

public sealed record AllocationResponse(Guid InvoiceId, string InvoiceNumber, Money Amount);

public sealed record RefundResponse(Guid Id, Money Amount, string Reason, DateTimeOffset RefundedAt);

public sealed record PaymentResponse(
    Guid Id,
    Guid BillingAccountId,
    Guid PersonId,
    Money Amount,
    string? Method,
    DateTimeOffset ReceivedAt,
    string? ExternalReference,
    IReadOnlyList<AllocationResponse> Allocations,
    Money Unallocated,
    IReadOnlyList<RefundResponse> Refunds,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static PaymentResponse From(Payment payment)
    {
        Money Of(decimal amount) => Money.Of(amount, payment.Currency);
        return new(
            payment.Id,
            payment.BillingAccountId,
            payment.PersonId,
            Of(payment.Amount),
            payment.Method,
            payment.ReceivedAt,
            payment.ExternalReference,
            [.. payment.Allocations.Select(a => new AllocationResponse(a.InvoiceId, a.InvoiceNumber, Of(a.Amount)))],
            Of(payment.Unallocated),
            [.. payment.Refunds.Select(r => new RefundResponse(r.Id, Of(r.Amount), r.Reason, r.RefundedAt))],
            payment.CreatedAt,
            payment.UpdatedAt,
            payment.Version);
    }
}

public static class PaymentRequests
{
    public const int MethodLength = 32;
    public const int ReferenceLength = 200;
    public const int ReasonLength = 500;
    public const int MaxAllocations = 200;

    /// <summary>A positive amount in the currency's minor unit at most (<c>"12.50"</c> in EUR, <c>"1250"</c> in JPY).</summary>
    public static decimal? PositiveAmount(this FieldErrors errors, string field, string? value, string? currency)
    {
        var amount = errors.Amount(field, value, currency is null ? 4 : Currencies.MinorUnits(currency));
        if (amount is 0m)
        {
            errors.Add(field, "The amount must be greater than 0.");
            return null;
        }

        return amount;
    }

    /// <summary>A payment method: a lower-case code such as card, bank-transfer or direct-debit.</summary>
    public static string? Method(this FieldErrors errors, string? value)
    {
        var method = errors.Optional("method", value, MethodLength)?.ToLowerInvariant();
        if (method is not null && !method.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            errors.Add("method", "A lower-case code of letters, digits and hyphens, such as card or bank-transfer.");
        }

        return method;
    }
}
