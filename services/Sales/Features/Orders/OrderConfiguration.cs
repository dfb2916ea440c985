using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Offers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Orders;

/// <remarks>
/// Lines, tax lines and the shipping address are jsonb (<see cref="JsonColumn{T}"/>): written once when the order
/// is placed and read with it. A product's deletion asks whether any order names it with a jsonb containment query.
/// </remarks>
internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> order)
    {
        order.ToTable("orders");
        order.HasKey(o => o.Id);
        order.Property(o => o.Id).ValueGeneratedNever();
        order.Property(o => o.Version).IsConcurrencyToken();
        order.HasIndex(o => new { o.TenantId, o.Id });
        order.HasIndex(o => new { o.TenantId, o.Number }).IsUnique();
        order.HasIndex(o => new { o.TenantId, o.PersonId });
        order.Property(o => o.Number).HasMaxLength(32);
        order.Property(o => o.Status).HasMaxLength(16).HasConversion(WireNames<OrderStatus>.Converter);
        order.Property(o => o.Currency).HasMaxLength(3);
        order.Property(o => o.Lines).HasColumnType("jsonb").HasConversion(JsonColumn<PricedLine[]>.Converter, JsonColumn<PricedLine[]>.Comparer);
        order.Property(o => o.Taxes).HasColumnType("jsonb").HasConversion(JsonColumn<TaxLine[]>.Converter, JsonColumn<TaxLine[]>.Comparer);
        order.Property(o => o.NetTotal).HasPrecision(20, 4);
        order.Property(o => o.DiscountTotal).HasPrecision(20, 4);
        order.Property(o => o.TaxTotal).HasPrecision(20, 4);
        order.Property(o => o.Total).HasPrecision(20, 4);
        order.Property(o => o.ShippingAddress).HasColumnType("jsonb").HasConversion(JsonColumn<PostalAddress?>.Converter, JsonColumn<PostalAddress?>.Comparer);
        order.Property(o => o.Carrier).HasMaxLength(OrderRequests.CarrierLength);
        order.Property(o => o.TrackingNumber).HasMaxLength(OrderRequests.TrackingNumberLength);
        order.Property(o => o.CancellationReason).HasMaxLength(OrderRequests.ReasonLength);
        order.Property(o => o.OfferCode).HasMaxLength(OfferCodes.MaxLength);
        order.Property(o => o.OfferTerms).HasMaxLength(4000);
    }
}
