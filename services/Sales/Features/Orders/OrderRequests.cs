using CrmCloud.Platform.Api;

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
    PostalAddress? ShippingAddress);

public sealed record OrderLineRequest(Guid? ProductId, decimal? Quantity, string? Discount);

/// <summary>The fulfilment side's shipping data, both optional.</summary>
public sealed record ShipOrderRequest(string? Carrier, string? TrackingNumber);

public sealed record CancelOrderRequest(string? Reason);

/// <summary>A placed order's request, checked for shape; prices, products and stock are checked while placing it.</summary>
public sealed record OrderToPlace(Guid? Id, Guid PersonId, Guid? CompanyId, string Currency, Guid? PriceListId, IReadOnlyList<LineToPlace> Lines, PostalAddress? ShippingAddress);

public sealed record LineToPlace(Guid ProductId, decimal Quantity, decimal Discount);

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
        [.. order.Lines.Select(line => new OrderLineResponse(
            line.ProductId,
            line.Sku,
            line.Name,
            line.Unit,
            PricingFields.Trimmed(line.Quantity),
            Money.Of(line.UnitPrice, order.Currency),
            Money.Of(line.GrossAmount, order.Currency),
            Money.Of(line.Discount, order.Currency),
            line.TaxCategory,
            PricingFields.Trimmed(line.TaxRate),
            Money.Of(line.NetAmount, order.Currency)))],
        [.. order.Taxes.Select(tax => new TaxLineResponse(PricingFields.Trimmed(tax.Rate), Money.Of(tax.NetAmount, order.Currency), Money.Of(tax.TaxAmount, order.Currency)))],
        Money.Of(order.NetTotal, order.Currency),
        Money.Of(order.DiscountTotal, order.Currency),
        Money.Of(order.TaxTotal, order.Currency),
        Money.Of(order.Total, order.Currency),
        order.ShippingAddress,
        order.Carrier,
        order.TrackingNumber,
        order.CancellationReason,
        order.PlacedAt,
        order.ShippedAt,
        order.DeliveredAt,
        order.CancelledAt,
        order.CreatedAt,
        order.UpdatedAt,
        order.Version);
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

public sealed record TaxLineResponse(decimal Rate, Money NetAmount, Money TaxAmount);

/// <summary>The rules an order request follows before anything is looked up.</summary>
public static class OrderRequests
{
    public const int MaxLines = 200;
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
        var lines = new List<LineToPlace>();
        var requests = request.Lines ?? [];
        if (requests.Length is 0 or > MaxLines)
        {
            errors.Add("lines", $"From 1 to {MaxLines} lines.");
        }

        var seen = new Dictionary<Guid, int>();
        for (var index = 0; index < requests.Length && index < MaxLines; index++)
        {
            var field = $"lines[{index}]";
            if (requests[index] is not { } line)
            {
                errors.Add(field, "Expected a line with productId and quantity.");
                continue;
            }

            if (line.ProductId is not { } productId || productId == Guid.Empty)
            {
                errors.Add($"{field}.productId", "This field is required.");
            }
            else if (!seen.TryAdd(productId, index))
            {
                errors.Add($"{field}.productId", $"The product is on lines[{seen[productId]}] already: one line per product.");
            }

            var quantity = errors.Quantity($"{field}.quantity", line.Quantity);
            var discount = line.Discount is null || currency is null
                ? 0m
                : errors.Amount($"{field}.discount", line.Discount, Currencies.MinorUnits(currency));
            if (line.ProductId is { } product && quantity is { } amount && discount is { } off)
            {
                lines.Add(new LineToPlace(product, amount, off));
            }
        }

        var address = PostalAddress.Validate(request.ShippingAddress, "shippingAddress", errors);
        return errors.IsEmpty
            ? new OrderToPlace(request.Id, request.PersonId!.Value, request.CompanyId, currency!, request.PriceListId, lines, address)
            : null;
    }

    public static (string? Carrier, string? TrackingNumber) Validate(this ShipOrderRequest? request, FieldErrors errors) =>
        (errors.Optional("carrier", request?.Carrier, CarrierLength), errors.Optional("trackingNumber", request?.TrackingNumber, TrackingNumberLength));

    public static string? Validate(this CancelOrderRequest? request, FieldErrors errors) =>
        errors.Optional("reason", request?.Reason, ReasonLength);
}
