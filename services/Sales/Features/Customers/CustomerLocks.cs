using CrmCloud.Platform.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Customers;

internal sealed class PersonMergeConfiguration : IEntityTypeConfiguration<PersonMerge>
{
    public void Configure(EntityTypeBuilder<PersonMerge> merge)
    {
        merge.ToTable("person_merges");
        merge.HasKey(m => new { m.TenantId, m.MergedPersonId });
        merge.HasIndex(m => new { m.TenantId, m.SurvivorId });
    }
}

/// <summary>
/// Placing an order and following a merge meet on the customer's row: an order takes it <c>FOR SHARE</c>, a merge
/// <c>FOR UPDATE</c>. So either the order commits first and the merge then moves it, or the merge commits first and
/// the order then finds the survivor; an order can never be left with a merged person.
/// </summary>
public static class CustomerLocks
{
    private const int MaxMergeHops = 8;

    /// <summary>The live customer an order for <paramref name="personId"/> belongs to (the survivor of a merge), locked until the transaction ends.</summary>
    /// <returns>The person id to place the order for, or null when sales knows no live customer for it.</returns>
    public static async Task<Guid?> LockCustomerAsync(SalesDb db, Guid personId, CancellationToken cancellationToken)
    {
        var tenant = db.Tenant.TenantId;
        var candidate = personId;
        for (var hop = 0; hop < MaxMergeHops; hop++)
        {
            var customer = await db.Customers
                .FromSql($"SELECT * FROM customers WHERE tenant_id = {tenant} AND person_id = {candidate} FOR SHARE")
                .AsNoTracking()
                .FirstOrDefaultAsync(cancellationToken);
            var merge = await db.PersonMerges.AsNoTracking().FirstOrDefaultAsync(m => m.MergedPersonId == candidate, cancellationToken);
            if (merge is null)
            {
                return customer is { IsDeleted: false } ? candidate : null;
            }

            candidate = merge.SurvivorId;
        }

        return null;
    }

    /// <summary>Locks the customers of <paramref name="personIds"/> against orders being placed for them until the transaction ends.</summary>
    public static Task LockForMergeAsync(SalesDb db, Guid[] personIds, CancellationToken cancellationToken) =>
        db.Customers
            .FromSql($"SELECT * FROM customers WHERE tenant_id = {db.Tenant.TenantId} AND person_id = ANY({personIds}) ORDER BY person_id FOR UPDATE")
            .AsNoTracking()
            .ToListAsync(cancellationToken);
}
