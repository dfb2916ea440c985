using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.PriceLists;

/// <summary>
/// Prices in one currency for a period: per product, tiers of unit prices by quantity, and per tax category the
/// tax rate orders priced from the list charge. Orders copy what they use, so changing a list never reprices one.
/// </summary>
public sealed class PriceList : VersionedResource<PriceListDetails>
{
    private PriceList()
    {
    }

    public static PriceList Create(string tenantId, Guid id, PriceListDetails details, DateTimeOffset now)
    {
        var created = new PriceList();
        created.Initialize(tenantId, id, details, now);
        return created;
    }

    /// <summary>Whether the list applies on <paramref name="day"/>: from <c>validFrom</c> to <c>validTo</c>, both included.</summary>
    public bool IsValidOn(DateOnly day) => Details.ValidFrom <= day && (Details.ValidTo is not { } to || day <= to);

    /// <summary>The unit price for <paramref name="quantity"/> of a product: the tier with the largest minimum it reaches.</summary>
    public PriceTier? TierFor(Guid productId, decimal quantity) =>
        Details.Prices.FirstOrDefault(price => price.ProductId == productId)?.Tiers.LastOrDefault(tier => tier.MinQuantity <= quantity);

    public decimal? TaxRateFor(string taxCategory) =>
        Details.TaxRates.FirstOrDefault(rate => rate.TaxCategory == taxCategory)?.Rate;
}

/// <summary>What a caller says about a price list; validated by <see cref="PriceListRequests"/>.</summary>
public sealed record PriceListDetails(
    string Name,
    string Currency,
    DateOnly ValidFrom,
    DateOnly? ValidTo,
    ProductPrice[] Prices,
    CategoryTaxRate[] TaxRates)
{
    /// <summary>Equal when every field is, lists compared in order (an array alone compares by reference).</summary>
    public bool Equals(PriceListDetails? other) =>
        other is not null
        && Name == other.Name
        && Currency == other.Currency
        && ValidFrom == other.ValidFrom
        && ValidTo == other.ValidTo
        && Prices.SequenceEqual(other.Prices)
        && TaxRates.SequenceEqual(other.TaxRates);

    public override int GetHashCode() => HashCode.Combine(Name, Currency, ValidFrom, ValidTo, Prices.Length, TaxRates.Length);
}

/// <summary>A product's prices: tiers in ascending order of <see cref="PriceTier.MinQuantity"/>.</summary>
public sealed record ProductPrice(Guid ProductId, PriceTier[] Tiers)
{
    public bool Equals(ProductPrice? other) => other is not null && ProductId == other.ProductId && Tiers.SequenceEqual(other.Tiers);

    public override int GetHashCode() => HashCode.Combine(ProductId, Tiers.Length);
}

/// <summary>From <see cref="MinQuantity"/> on, each unit costs <see cref="UnitPrice"/> in the list's currency.</summary>
public sealed record PriceTier(decimal MinQuantity, decimal UnitPrice);

/// <summary>The tax rate (a fraction: 0.19 for 19 %) charged on products of <see cref="TaxCategory"/>.</summary>
public sealed record CategoryTaxRate(string TaxCategory, decimal Rate);

/// <remarks>
/// Prices and tax rates are jsonb (<see cref="JsonColumn{T}"/>): they are read and replaced with the list, and
/// a product's deletion asks whether any list prices it with a jsonb containment query.
/// </remarks>
internal sealed class PriceListConfiguration : IEntityTypeConfiguration<PriceList>
{
    public void Configure(EntityTypeBuilder<PriceList> priceList)
    {
        priceList.ToTable("price_lists");
        priceList.HasKey(p => p.Id);
        priceList.Property(p => p.Id).ValueGeneratedNever();
        priceList.Property(p => p.Version).IsConcurrencyToken();
        priceList.HasIndex(p => new { p.TenantId, p.Id });
        priceList.ComplexProperty(p => p.Details, details =>
        {
            details.Property(d => d.Name).HasColumnName("name").HasMaxLength(PriceListRequests.NameLength);
            details.Property(d => d.Currency).HasColumnName("currency").HasMaxLength(3);
            details.Property(d => d.ValidFrom).HasColumnName("valid_from");
            details.Property(d => d.ValidTo).HasColumnName("valid_to");
            details.Property(d => d.Prices).HasColumnName("prices").HasColumnType("jsonb")
                .HasConversion(JsonColumn<ProductPrice[]>.Converter, JsonColumn<ProductPrice[]>.Comparer);
            details.Property(d => d.TaxRates).HasColumnName("tax_rates").HasColumnType("jsonb")
                .HasConversion(JsonColumn<CategoryTaxRate[]>.Converter, JsonColumn<CategoryTaxRate[]>.Comparer);
        });
    }
}
