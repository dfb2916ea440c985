using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Billing.Features.Numbering;

/// <summary>
/// The last number a tenant has given out in one series of one kind of document (invoices <c>INV</c>, credit notes
/// <c>CN</c>). Counted in the issuing transaction: the row stays locked until it commits, so concurrent issuers take
/// strictly increasing numbers one after the other, and a transaction that rolls back gives its number back (no gap).
/// </summary>
public sealed class DocumentCounter : ITenantOwned
{
    private DocumentCounter()
    {
    }

    public string TenantId { get; private set; } = "";

    public string Document { get; private set; } = "";

    public string Series { get; private set; } = "";

    public long LastNumber { get; private set; }

    /// <summary>The next number, formatted <c>{series}-000042</c>; call inside the transaction that issues the document.</summary>
    public static async Task<string> NextAsync(BillingDb db, string document, string series, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A document number is taken inside the transaction that issues the document, or a rollback would leave a gap.");
        }

        var tenant = db.Tenant.TenantId;
        var numbers = await db.Database.SqlQuery<long>(
            $"""
            INSERT INTO document_counters (tenant_id, document, series, last_number) VALUES ({tenant}, {document}, {series}, 1)
            ON CONFLICT (tenant_id, document, series) DO UPDATE SET last_number = document_counters.last_number + 1
            RETURNING last_number AS "Value"
            """).ToListAsync(cancellationToken);
        return $"{series}-{numbers[0]:D6}";
    }
}

internal sealed class DocumentCounterConfiguration : IEntityTypeConfiguration<DocumentCounter>
{
    public void Configure(EntityTypeBuilder<DocumentCounter> counter)
    {
        counter.ToTable("document_counters");
        counter.HasKey(c => new { c.TenantId, c.Document, c.Series });
        counter.Property(c => c.Document).HasMaxLength(20);
        counter.Property(c => c.Series).HasMaxLength(10);
    }
}
