using System.Text.Json.Serialization;
using CrmCloud.Contracts.Sales;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Offers;
using CrmCloud.Sales.Features.Pricing;
using PlacedLine = CrmCloud.Contracts.Sales.OrderLine;

namespace CrmCloud.Sales.Features.Orders;

/// <summary>
/// A customer's order, priced when it is placed and never repriced: its lines copy the product's sku and name and
/// the price list's unit price and tax rate. It moves placed → shipped → delivered, or placed → cancelled; each
/// move returns the events to publish with it.
/// </summary>
public sealed class Order : PricedDocument
{
    private Order()
    {
    }

    public OrderStatus Status { get; private set; }

    public PostalAddress? ShippingAddress { get; private set; }

    public string? Carrier { get; private set; }

    public string? TrackingNumber { get; private set; }

    public string? CancellationReason { get; private set; }

    /// <summary>The campaign whose offer code the order used, with the code and the offer's terms as they were.</summary>
    public Guid? CampaignId { get; private set; }

    public string? OfferCode { get; private set; }

    public string? OfferTerms { get; private set; }

    /// <summary>The accepted quote the order came from, if any.</summary>
    public Guid? QuoteId { get; private set; }

    public DateTimeOffset PlacedAt { get; private set; }

    public DateTimeOffset? ShippedAt { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    public DateTimeOffset? CancelledAt { get; private set; }

    public static Order Place(string tenantId, string number, OrderDraft draft, DateTimeOffset now)
    {
        var order = new Order
        {
            Status = OrderStatus.Placed,
            ShippingAddress = draft.ShippingAddress,
            CampaignId = draft.Offer?.CampaignId,
            OfferCode = draft.Offer?.Code,
            OfferTerms = draft.Offer?.Terms,
            QuoteId = draft.QuoteId,
            PlacedAt = now,
        };
        order.Initialize(tenantId, draft.Id, number, draft.PersonId, draft.CompanyId, draft.PriceListId, draft.Priced, now);
        return order;
    }

    public OrderPlaced Placed() => new(
        TenantId,
        Id,
        Number,
        PersonId,
        CompanyId,
        [.. Lines.Select(line => new PlacedLine(line.ProductId, line.Sku, line.Name, line.Quantity, line.UnitPrice, line.Discount, line.TaxRate, line.NetAmount))],
        NetTotal,
        DiscountTotal,
        TaxTotal,
        Total,
        Currency,
        PlacedAt,
        CampaignId,
        OfferCode);

    /// <summary>What a consumer needs to reverse a cancelled order's sale; after <see cref="Cancel"/>.</summary>
    public OrderCancelled Cancelled() => new(TenantId, Id, Number, PersonId, CompanyId, NetTotal, Total, Currency, CancellationReason, CancelledAt ?? UpdatedAt);

    /// <summary>The goods left the warehouse. Only a placed order ships.</summary>
    /// <returns>The event of the move, or null when the order is not placed: nothing changed.</returns>
    public OrderStatusChanged? Ship(string? carrier, string? trackingNumber, DateTimeOffset now)
    {
        if (Status != OrderStatus.Placed)
        {
            return null;
        }

        Carrier = carrier ?? Carrier;
        TrackingNumber = trackingNumber ?? TrackingNumber;
        ShippedAt = now;
        return MoveTo(OrderStatus.Shipped, now);
    }

    /// <summary>The customer has the goods. Only a shipped order is delivered.</summary>
    public OrderStatusChanged? Deliver(DateTimeOffset now)
    {
        if (Status != OrderStatus.Shipped)
        {
            return null;
        }

        DeliveredAt = now;
        return MoveTo(OrderStatus.Delivered, now);
    }

    /// <summary>The order no longer counts as a sale. Only a placed order is cancelled: shipped goods come back as a return.</summary>
    public OrderStatusChanged? Cancel(string? reason, DateTimeOffset now)
    {
        if (Status != OrderStatus.Placed)
        {
            return null;
        }

        CancellationReason = reason;
        CancelledAt = now;
        return MoveTo(OrderStatus.Cancelled, now);
    }

    private OrderStatusChanged MoveTo(OrderStatus status, DateTimeOffset now)
    {
        var previous = Status;
        Status = status;
        Touch(now);
        return new(TenantId, Id, Number, PersonId, CompanyId, WireNames<OrderStatus>.Of(status), WireNames<OrderStatus>.Of(previous), Version, now, Carrier, TrackingNumber);
    }
}

public enum OrderStatus
{
    [JsonStringEnumMemberName("placed")]
    Placed,

    [JsonStringEnumMemberName("shipped")]
    Shipped,

    [JsonStringEnumMemberName("delivered")]
    Delivered,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}

/// <summary>
/// One line as placed, in the order's currency: <see cref="GrossAmount"/> is quantity × unit price rounded to the
/// minor unit, <see cref="NetAmount"/> that less <see cref="Discount"/>, before tax.
/// </summary>
public sealed record PricedLine(
    Guid ProductId,
    string Sku,
    string Name,
    string Unit,
    decimal Quantity,
    decimal UnitPrice,
    decimal GrossAmount,
    decimal Discount,
    string TaxCategory,
    decimal TaxRate,
    decimal NetAmount);

/// <summary>
/// An order ready to be placed: priced, its offer applied. <see cref="QuoteId"/> names the accepted quote it comes
/// from, if any.
/// </summary>
public sealed record OrderDraft(
    Guid Id, Guid PersonId, Guid? CompanyId, Guid PriceListId, PricedOrder Priced, PostalAddress? ShippingAddress, AppliedOffer? Offer, Guid? QuoteId = null);

/// <summary>The lines charged one tax rate: their net amounts summed, and the tax on that sum rounded once.</summary>
public sealed record TaxLine(decimal Rate, decimal NetAmount, decimal TaxAmount);
