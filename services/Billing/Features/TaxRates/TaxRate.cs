using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Billing.Features.TaxRates;

/// <summary>
/// A tax rate the tenant invoices with (<c>VAT 19 %</c>). Invoice lines copy its name and rate when they are written, so
/// changing or deleting a rate never rewrites an invoice.
/// </summary>
public sealed class TaxRate : VersionedResource<TaxRateDetails>
{
    private TaxRate()
    {
    }

    public static TaxRate Create(string tenantId, Guid id, TaxRateDetails details, DateTimeOffset now)
    {
        var created = new TaxRate();
        created.Initialize(tenantId, id, details, now);
        return created;
    }
}

/// <summary><see cref="Rate"/> is a fraction (<c>0.19</c> for 19 %); <see cref="Country"/> an optional ISO 3166-1 code.</summary>
public sealed record TaxRateDetails(string Name, decimal Rate, string? Country, bool Active);

internal sealed class TaxRateConfiguration : IEntityTypeConfiguration<TaxRate>
{
    public void Configure(EntityTypeBuilder<TaxRate> rate)
    {
        rate.ToTable("tax_rates");
        rate.HasKey(r => r.Id);
        rate.Property(r => r.Id).ValueGeneratedNever();
        rate.Property(r => r.Version).IsConcurrencyToken();
        rate.HasIndex(r => new { r.TenantId, r.Id });
        rate.ComplexProperty(r => r.Details, details =>
        {
            details.Property(d => d.Name).HasColumnName("name").HasMaxLength(TaxRateRequests.NameLength);
            details.Property(d => d.Rate).HasColumnName("rate").HasPrecision(7, 6);
            details.Property(d => d.Country).HasColumnName("country").HasMaxLength(2);
            details.Property(d => d.Active).HasColumnName("active");
        });
    }
}
