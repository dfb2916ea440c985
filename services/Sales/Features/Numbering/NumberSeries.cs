using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Numbering;

/// <summary>
/// The last number a tenant has given out in one series (<c>SO</c> for orders, <c>QT</c> for quotes). A number is
/// taken in the transaction that uses it, so a refused order or quote uses none and the series has no gaps.
/// </summary>
public sealed class NumberSeries : ITenantOwned
{
    public const string Orders = "SO";

    public const string Quotes = "QT";

    private NumberSeries()
    {
    }

    public string TenantId { get; private set; } = "";

    public string Series { get; private set; } = "";

    public long LastNumber { get; private set; }

    /// <summary>The tenant's next number in <paramref name="series"/> (<c>SO-000042</c>); the row stays locked until the caller's transaction ends.</summary>
    public static async Task<string> NextAsync(SalesDb db, string series, CancellationToken cancellationToken)
    {
        var tenant = db.Tenant.TenantId;
        var numbers = await db.Database.SqlQuery<long>(
            $"""
            INSERT INTO number_series (tenant_id, series, last_number) VALUES ({tenant}, {series}, 1)
            ON CONFLICT (tenant_id, series) DO UPDATE SET last_number = number_series.last_number + 1
            RETURNING last_number AS "Value"
            """).ToListAsync(cancellationToken);
        return $"{series}-{numbers[0]:D6}";
    }
}

internal sealed class NumberSeriesConfiguration : IEntityTypeConfiguration<NumberSeries>
{
    public void Configure(EntityTypeBuilder<NumberSeries> series)
    {
        series.ToTable("number_series");
        series.HasKey(s => new { s.TenantId, s.Series });
        series.Property(s => s.Series).HasMaxLength(8);
    }
}
