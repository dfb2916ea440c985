namespace CrmCloud.Contracts.Sales;

/// <summary>
/// One line of an order as it was placed, in the order's currency. <see cref="Discount"/> is the amount taken off
/// the line (not a rate); <see cref="TaxRate"/> is a fraction (<c>0.19</c> for 19 %); <see cref="NetAmount"/> is
/// <c>Quantity × UnitPrice − Discount</c> as sales rounded it, before tax.
/// </summary>
public sealed record OrderLine(
    Guid ProductId,
    string Sku,
    string Name,
    decimal Quantity,
    decimal UnitPrice,
    decimal Discount,
    decimal TaxRate,
    decimal NetAmount);

/// <summary>
/// A customer placed an order in sales. Money is a decimal amount in <see cref="Currency"/>, an ISO 4217 code
/// (<c>"EUR"</c>): <see cref="NetTotal"/> is the sum of the lines' net amounts (after discounts, before tax),
/// <see cref="DiscountTotal"/> the sum of their discounts, <see cref="TaxTotal"/> the tax on top, and
/// <see cref="Total"/> what the customer pays (<c>NetTotal + TaxTotal</c>). <see cref="PersonId"/> is the person in
/// contacts who ordered, <see cref="CompanyId"/> the company in contacts ordered for, if any.
/// <see cref="CampaignId"/> and <see cref="OfferCode"/> name the campaign and offer that won the order, when known.
/// <see cref="OccurredAt"/> is when the order was placed. An order is placed once; see <see cref="OrderCancelled"/>.
/// </summary>
public sealed record OrderPlaced(
    string TenantId,
    Guid OrderId,
    string OrderNumber,
    Guid PersonId,
    Guid? CompanyId,
    IReadOnlyList<OrderLine> Lines,
    decimal NetTotal,
    decimal DiscountTotal,
    decimal TaxTotal,
    decimal Total,
    string Currency,
    DateTimeOffset OccurredAt,
    Guid? CampaignId = null,
    string? OfferCode = null) : IIntegrationEvent;

/// <summary>
/// A placed order was cancelled in sales: it no longer counts as a sale. Carries the order's totals as placed, so
/// a consumer can reverse what it counted without having seen <see cref="OrderPlaced"/> (the two may arrive in
/// either order). <see cref="Reason"/> is free text, when sales has one.
/// </summary>
public sealed record OrderCancelled(
    string TenantId,
    Guid OrderId,
    string OrderNumber,
    Guid PersonId,
    Guid? CompanyId,
    decimal NetTotal,
    decimal Total,
    string Currency,
    string? Reason,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// A placed order moved on in sales: <see cref="Status"/> is where it is now and <see cref="PreviousStatus"/> where it
/// was, both lower-case (<c>"placed"</c>, <c>"shipped"</c>, <c>"delivered"</c>, <c>"cancelled"</c>). <see cref="Version"/>
/// grows with each change of the order, so a consumer can ignore a change older than what it has.
/// <see cref="Carrier"/> and <see cref="TrackingNumber"/> are the shipping data when the fulfilment side gave them.
/// A cancellation publishes <see cref="OrderCancelled"/> as well.
/// </summary>
public sealed record OrderStatusChanged(
    string TenantId,
    Guid OrderId,
    string OrderNumber,
    Guid PersonId,
    Guid? CompanyId,
    string Status,
    string PreviousStatus,
    long Version,
    DateTimeOffset OccurredAt,
    string? Carrier = null,
    string? TrackingNumber = null) : IIntegrationEvent;
