using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Offers;
using CrmCloud.Sales.Features.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Orders;

/// <remarks>The shipping address is jsonb (<see cref="JsonColumn{T}"/>), written once when the order is placed.</remarks>
internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> order)
    {
        PricedDocumentColumns.Configure(order, "orders");
        order.HasIndex(o => new { o.TenantId, o.PersonId });
        order.Property(o => o.Status).HasMaxLength(16).HasConversion(WireNames<OrderStatus>.Converter);
        order.Property(o => o.ShippingAddress).HasColumnType("jsonb").HasConversion(JsonColumn<PostalAddress?>.Converter, JsonColumn<PostalAddress?>.Comparer);
        order.Property(o => o.Carrier).HasMaxLength(OrderRequests.CarrierLength);
        order.Property(o => o.TrackingNumber).HasMaxLength(OrderRequests.TrackingNumberLength);
        order.Property(o => o.CancellationReason).HasMaxLength(OrderRequests.ReasonLength);
        order.Property(o => o.OfferCode).HasMaxLength(OfferCodes.MaxLength);
        order.Property(o => o.OfferTerms).HasMaxLength(4000);
    }
}
