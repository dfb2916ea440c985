using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Products;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Stock;

/// <summary>
/// A product's stock: <see cref="OnHand"/> as the fulfilment side counts it, <see cref="Reserved"/> by placed
/// orders not yet shipped. Its id is the product's. Changed only by single conditional statements
/// (<see cref="StockLevels"/>), never read-modify-write, so concurrent orders cannot oversell; the database
/// refuses a row where more is reserved than is on hand as a last line of defence.
/// </summary>
public sealed class StockLevel : IVersioned, ITenantOwned
{
    private StockLevel()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public decimal OnHand { get; private set; }

    public decimal Reserved { get; private set; }

    public decimal Available => OnHand - Reserved;

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Grows with every change, reservations included: the stock's ETag.</summary>
    public long Version { get; private set; }

    /// <summary>A new product's stock: nothing on hand.</summary>
    public static StockLevel For(string tenantId, Guid productId, DateTimeOffset now) =>
        new() { TenantId = tenantId, Id = productId, UpdatedAt = now, Version = 1 };
}

internal sealed class StockLevelConfiguration : IEntityTypeConfiguration<StockLevel>
{
    public void Configure(EntityTypeBuilder<StockLevel> stock)
    {
        stock.ToTable("stock_levels", table =>
        {
            table.HasCheckConstraint("ck_stock_levels_reserved_within_on_hand", "reserved >= 0 AND reserved <= on_hand");
        });
        stock.HasKey(s => s.Id);
        stock.Property(s => s.Id).HasColumnName("product_id").ValueGeneratedNever();
        stock.Property(s => s.OnHand).HasPrecision(18, 3);
        stock.Property(s => s.Reserved).HasPrecision(18, 3);
        stock.Property(s => s.Version).IsConcurrencyToken();
        stock.Ignore(s => s.Available);
        stock.HasOne<Product>().WithOne().HasForeignKey<StockLevel>(s => s.Id).OnDelete(DeleteBehavior.Cascade);
        stock.HasIndex(s => new { s.TenantId, s.Id });
    }
}
