using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Products;

/// <summary>
/// Something the tenant sells. Orders copy its sku and name when they are placed, so changing or deactivating a
/// product never rewrites an order; a product that orders or price lists name is deactivated, not deleted.
/// </summary>
public sealed class Product : VersionedResource<ProductDetails>
{
    private Product()
    {
    }

    public static Product Create(string tenantId, Guid id, ProductDetails details, DateTimeOffset now)
    {
        var created = new Product();
        created.Initialize(tenantId, id, details, now);
        return created;
    }
}

/// <summary>
/// What a caller says about a product. <see cref="TaxCategory"/> is a code (<c>standard</c>, <c>reduced</c>) that each
/// price list gives a tax rate.
/// </summary>
public sealed record ProductDetails(string Sku, string Name, string Unit, string TaxCategory, bool Active);

/// <remarks>The sku is unique per tenant by an index the migration creates, since EF Core cannot index a complex type's columns.</remarks>
internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> product)
    {
        product.ToTable("products");
        product.HasKey(p => p.Id);
        product.Property(p => p.Id).ValueGeneratedNever();
        product.Property(p => p.Version).IsConcurrencyToken();
        product.HasIndex(p => new { p.TenantId, p.Id });
        product.ComplexProperty(p => p.Details, details =>
        {
            details.Property(d => d.Sku).HasColumnName("sku").HasMaxLength(ProductRequests.SkuLength);
            details.Property(d => d.Name).HasColumnName("name").HasMaxLength(ProductRequests.NameLength);
            details.Property(d => d.Unit).HasColumnName("unit").HasMaxLength(ProductRequests.UnitLength);
            details.Property(d => d.TaxCategory).HasColumnName("tax_category").HasMaxLength(ProductRequests.TaxCategoryLength);
            details.Property(d => d.Active).HasColumnName("active");
        });
    }
}
