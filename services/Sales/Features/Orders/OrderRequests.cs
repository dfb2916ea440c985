using CrmCloud.Platform.Api;
using CrmCloud.Sales.Features.Offers;
using CrmCloud.Sales.Features.Pricing;

namespace CrmCloud.Sales.Features.Orders;

/// <summary>
/// An order to place. <c>priceListId</c> is optional: without it the tenant's price list in <c>currency</c> valid
/// today is used. Each line's <c>discount</c> is an amount (a decimal string in the order's currency) taken off the line.
/// </summary>
public sealed record PlaceOrderRequest(
    Guid? Id,
    Guid? PersonId,
    Guid? CompanyId,
    string? Currency,
    Guid? PriceListId,
    OrderLineRequest?[]? Lines,
    PostalAddress? ShippingAddress,
    string? OfferCode = null);

public sealed record OrderLineRequest(Guid? ProductId, decimal? Quantity, string? Discount);

/// <summary>The fulfilment side's shipping data, both optional.</summary>
public sealed record ShipOrderRequest(string? Carrier, string? TrackingNumber);

public sealed record CancelOrderRequest(string? Reason);

/// <summary>A placed order's request, checked for shape; prices, products and stock are checked while placing it.</summary>
public sealed record OrderToPlace(
    Guid? Id, Guid PersonId, Guid? CompanyId, string Currency, Guid? PriceListId, IReadOnlyList<LineToPlace> Lines, PostalAddress? ShippingAddress, string? OfferCode);

/// <summary>A line to price: <see cref="UnitPrice"/>, when given, is a negotiated price that stands in for the price list's.</summary>
public sealed record LineToPlace(Guid ProductId, decimal Quantity, decimal Discount, decimal? UnitPrice = null);

public sealed record OrderResponse(
    Guid Id,
    string Number,
    OrderStatus Status,
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
    PostalAddress? ShippingAddress,
    string? Carrier,
    string? TrackingNumber,
    string? CancellationReason,
    AppliedOfferResponse? Offer,
    Guid? QuoteId,
    DateTimeOffset PlacedAt,
    DateTimeOffset? ShippedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? CancelledAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static OrderResponse From(Order order) => new(
        order.Id,
        order.Number,
        order.Status,
        order.PersonId,
        order.CompanyId,
        order.Currency,
        order.PriceListId,
        LinesOf(order.Lines, order.Currency),
        TaxesOf(order.Taxes, order.Currency),
        Money.Of(order.NetTotal, order.Currency),
        Money.Of(order.DiscountTotal, order.Currency),
        Money.Of(order.TaxTotal, order.Currency),
        Money.Of(order.Total, order.Currency),
        order.ShippingAddress,
        order.Carrier,
        order.TrackingNumber,
        order.CancellationReason,
        order.CampaignId is { } campaignId ? new AppliedOfferResponse(campaignId, order.OfferCode!, order.OfferTerms) : null,
        order.QuoteId,
        order.PlacedAt,
        order.ShippedAt,
        order.DeliveredAt,
        order.CancelledAt,
        order.CreatedAt,
        order.UpdatedAt,
        order.Version);

    /// <summary>Priced lines as the API writes them, for an order or a quote.</summary>
    public static OrderLineResponse[] LinesOf(IEnumerable<PricedLine> lines, string currency) =>
    [
        .. lines.Select(line => new OrderLineResponse(
            line.ProductId,
            line.Sku,
            line.Name,
            line.Unit,
            PricingFields.Trimmed(line.Quantity),
            Money.Of(line.UnitPrice, currency),
            Money.Of(line.GrossAmount, currency),
            Money.Of(line.Discount, currency),
            line.TaxCategory,
            PricingFields.Trimmed(line.TaxRate),
            Money.Of(line.NetAmount, currency))),
    ];

    public static TaxLineResponse[] TaxesOf(IEnumerable<TaxLine> taxes, string currency) =>
        [.. taxes.Select(tax => new TaxLineResponse(PricingFields.Trimmed(tax.Rate), Money.Of(tax.NetAmount, currency), Money.Of(tax.TaxAmount, currency)))];
}

public sealed record OrderLineResponse(
    Guid ProductId,
    string Sku,
    string Name,
    string Unit,
    decimal Quantity,
    Money UnitPrice,
    Money GrossAmount,
    Money Discount,
    string TaxCategory,
    decimal TaxRate,
    Money NetAmount);

/// <summary>The campaign offer an order used: the campaign, the code as normalised, and the offer's special terms.</summary>
public sealed record AppliedOfferResponse(Guid CampaignId, string Code, string? Terms);

public sealed record TaxLineResponse(decimal Rate, Money NetAmount, Money TaxAmount);

/// <summary>The rules an order request follows before anything is looked up.</summary>
public static class OrderRequests
{
    public const int CarrierLength = 100;
    public const int TrackingNumberLength = 100;
    public const int ReasonLength = 500;

    public static OrderToPlace? Validate(this PlaceOrderRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        if (request.PersonId is null || request.PersonId == Guid.Empty)
        {
            errors.Add("personId", "This field is required.");
        }

        var currency = Currencies.Validate("currency", request.Currency, errors);
        var lines = errors.Lines(
            "lines", [.. (request.Lines ?? []).Select(line => line is null ? null : new LineRequest(line.ProductId, line.Quantity, null, line.Discount))], currency);
        var address = PostalAddress.Validate(request.ShippingAddress, "shippingAddress", errors);
        var offerCode = errors.Optional("offerCode", request.OfferCode, OfferCodes.MaxLength);
        return errors.IsEmpty
            ? new OrderToPlace(request.Id, request.PersonId!.Value, request.CompanyId, currency!, request.PriceListId, lines, address, offerCode)
            : null;
    }

    public static (string? Carrier, string? TrackingNumber) Validate(this ShipOrderRequest? request, FieldErrors errors) =>
        (errors.Optional("carrier", request?.Carrier, CarrierLength), errors.Optional("trackingNumber", request?.TrackingNumber, TrackingNumberLength));

    public static string? Validate(this CancelOrderRequest? request, FieldErrors errors) =>
        errors.Optional("reason", request?.Reason, ReasonLength);
}
