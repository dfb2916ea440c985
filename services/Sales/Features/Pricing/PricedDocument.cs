using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Pricing;

/// <summary>
/// A numbered document priced once from a price list and never repriced: an order or a quote. Its lines copy the
/// product's sku and name and the unit price and tax rate they were priced at; the totals are those of
/// <see cref="OrderPricing"/>.
/// </summary>
public abstract class PricedDocument : IVersioned, ITenantOwned
{
    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    /// <summary>The tenant's own running number in the document's series (<c>SO-000042</c>, <c>QT-000042</c>), for people to quote.</summary>
    public string Number { get; private set; } = "";

    /// <summary>The person in contacts the document is for.</summary>
    public Guid PersonId { get; private set; }

    public Guid? CompanyId { get; private set; }

    public string Currency { get; private set; } = "";

    /// <summary>The list the tax rates (and the prices of lines without a negotiated one) came from.</summary>
    public Guid PriceListId { get; private set; }

    public PricedLine[] Lines { get; private set; } = [];

    public TaxLine[] Taxes { get; private set; } = [];

    public decimal NetTotal { get; private set; }

    public decimal DiscountTotal { get; private set; }

    public decimal TaxTotal { get; private set; }

    public decimal Total { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Grows by one with every change.</summary>
    public long Version { get; private set; }

    public PricedOrder Priced => new(Currency, Lines, Taxes, NetTotal, DiscountTotal, TaxTotal, Total);

    /// <summary>Sets up a new document at version 1; called once, by the derived type's factory.</summary>
    protected void Initialize(string tenantId, Guid id, string number, Guid personId, Guid? companyId, Guid priceListId, PricedOrder priced, DateTimeOffset now)
    {
        Id = id;
        TenantId = tenantId;
        Number = number;
        PersonId = personId;
        CompanyId = companyId;
        Currency = priced.Currency;
        PriceListId = priceListId;
        Lines = [.. priced.Lines];
        Taxes = [.. priced.Taxes];
        NetTotal = priced.NetTotal;
        DiscountTotal = priced.DiscountTotal;
        TaxTotal = priced.TaxTotal;
        Total = priced.Total;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
    }

    /// <summary>Records a change of the document's state: its version (the ETag) and update time move on.</summary>
    protected void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <remarks>
/// Lines and tax lines are jsonb (<see cref="JsonColumn{T}"/>): written once when the document is priced and read
/// with it. A product's deletion asks whether any order names it with a jsonb containment query.
/// </remarks>
internal static class PricedDocumentColumns
{
    public static void Configure<TDocument>(EntityTypeBuilder<TDocument> document, string table)
        where TDocument : PricedDocument
    {
        document.ToTable(table);
        document.HasKey(d => d.Id);
        document.Property(d => d.Id).ValueGeneratedNever();
        document.Property(d => d.Version).IsConcurrencyToken();
        document.HasIndex(d => new { d.TenantId, d.Id });
        document.HasIndex(d => new { d.TenantId, d.Number }).IsUnique();
        document.Property(d => d.Number).HasMaxLength(32);
        document.Property(d => d.Currency).HasMaxLength(3);
        document.Property(d => d.Lines).HasColumnType("jsonb").HasConversion(JsonColumn<PricedLine[]>.Converter, JsonColumn<PricedLine[]>.Comparer);
        document.Property(d => d.Taxes).HasColumnType("jsonb").HasConversion(JsonColumn<TaxLine[]>.Converter, JsonColumn<TaxLine[]>.Comparer);
        document.Property(d => d.NetTotal).HasPrecision(20, 4);
        document.Property(d => d.DiscountTotal).HasPrecision(20, 4);
        document.Property(d => d.TaxTotal).HasPrecision(20, 4);
        document.Property(d => d.Total).HasPrecision(20, 4);
    }
}
