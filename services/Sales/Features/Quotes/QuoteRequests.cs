using CrmCloud.Platform.Api;
using CrmCloud.Sales.Features.Orders;
using CrmCloud.Sales.Features.Pricing;

namespace CrmCloud.Sales.Features.Quotes;

/// <summary>
/// A quote to make from <c>opportunityId</c>. <c>lines</c> default to the opportunity's line items (with their
/// negotiated unit prices and discounts); <c>priceListId</c> to the tenant's list in the opportunity's currency valid
/// today; <c>validUntil</c> to 30 days from today.
/// </summary>
public sealed record CreateQuoteRequest(Guid? Id, Guid? OpportunityId, DateOnly? ValidUntil, Guid? PriceListId, LineRequest?[]? Lines, string? Terms);

public sealed record AcceptQuoteRequest(PostalAddress? ShippingAddress);

public sealed record DeclineQuoteRequest(string? Reason);

/// <summary>A quote request checked for shape; the opportunity, products and prices are checked while pricing it.</summary>
public sealed record QuoteToCreate(Guid? Id, Guid OpportunityId, DateOnly ValidUntil, Guid? PriceListId, IReadOnlyList<LineRequest?>? Lines, string? Terms);

public sealed record QuoteResponse(
    Guid Id,
    string Number,
    QuoteStatus Status,
    bool Expired,
    Guid OpportunityId,
    Guid PersonId,
    Guid? CompanyId,
    string Currency,
    Guid PriceListId,
    IReadOnlyList<OrderLineResponse> Lines,
    IReadOnlyList<TaxLineResponse> Taxes,
    Money NetTotal,
    Money DiscountTotal,
    Money TaxTotal,
    Money Total,
    DateOnly ValidUntil,
    string? Terms,
    DateTimeOffset? SentAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? DeclinedAt,
    string? DeclineReason,
    Guid? OrderId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static QuoteResponse From(Quote quote, DateOnly today) => new(
        quote.Id,
        quote.Number,
        quote.Status,
        quote.IsExpiredOn(today),
        quote.OpportunityId,
        quote.PersonId,
        quote.CompanyId,
        quote.Currency,
        quote.PriceListId,
        OrderResponse.LinesOf(quote.Lines, quote.Currency),
        OrderResponse.TaxesOf(quote.Taxes, quote.Currency),
        Money.Of(quote.NetTotal, quote.Currency),
        Money.Of(quote.DiscountTotal, quote.Currency),
        Money.Of(quote.TaxTotal, quote.Currency),
        Money.Of(quote.Total, quote.Currency),
        quote.ValidUntil,
        quote.Terms,
        quote.SentAt,
        quote.AcceptedAt,
        quote.DeclinedAt,
        quote.DeclineReason,
        quote.OrderId,
        quote.CreatedAt,
        quote.UpdatedAt,
        quote.Version);
}

public static class QuoteRequests
{
    public const int TermsLength = 4000;
    public const int ReasonLength = 500;
    public const int DefaultValidityDays = 30;

    public static QuoteToCreate? Validate(this CreateQuoteRequest request, DateOnly today, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        if (request.OpportunityId is null || request.OpportunityId == Guid.Empty)
        {
            errors.Add("opportunityId", "This field is required.");
        }

        var validUntil = request.ValidUntil ?? today.AddDays(DefaultValidityDays);
        if (validUntil < today)
        {
            errors.Add("validUntil", $"Today ({today:yyyy-MM-dd}) or later.");
        }

        var terms = errors.Optional("terms", request.Terms, TermsLength);
        return errors.IsEmpty ? new QuoteToCreate(request.Id, request.OpportunityId!.Value, validUntil, request.PriceListId, request.Lines, terms) : null;
    }

    public static string? Validate(this DeclineQuoteRequest? request, FieldErrors errors) =>
        errors.Optional("reason", request?.Reason, ReasonLength);
}
