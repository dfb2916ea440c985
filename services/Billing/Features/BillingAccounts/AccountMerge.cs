using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Billing.Features.BillingAccounts;

/// <summary>A document or plan billed to an account: what follows the account's person when contacts merges them into another.</summary>
public interface IBilledToAccount : IVersioned, ITenantOwned
{
    Guid BillingAccountId { get; }

    Guid PersonId { get; }

    DateTimeOffset UpdatedAt { get; }
}

/// <summary>
/// People merged in contacts become one billing account: the survivor's. Invoices, credit notes, payments and
/// subscriptions of the merged people's accounts move to it, so its balance and credit are the sum of theirs; issued
/// invoices keep the addressee they were printed with. The merged accounts stay as tombstones.
/// </summary>
public static class AccountMerge
{
    public static async Task MergeAsync(BillingDb db, Guid survivor, Guid[] merged, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Remembered, so that an order placed later for a merged id bills the survivor.
        await PersonMerge.RecordAsync(db, survivor, merged, now, cancellationToken);
        var accounts = await db.BillingAccounts.Where(a => a.PersonId == survivor || merged.Contains(a.PersonId)).OrderBy(a => a.CreatedAt).ToListAsync(cancellationToken);
        Guid[] from = [.. accounts.Where(a => a.PersonId != survivor).Select(a => a.Id)];
        if (from.Length == 0)
        {
            return;
        }

        var target = accounts.FirstOrDefault(a => a.PersonId == survivor);
        if (target is null)
        {
            // The survivor had no account yet: it takes the terms of the oldest merged one; its contact event fills in the name.
            target = ContactCopy.New<BillingAccount>(db.Tenant.TenantId, survivor, now);
            target.ChangeTerms(accounts[0].Terms, now);
            db.BillingAccounts.Add(target);
        }

        await MoveAsync(db.Invoices, from, target, now, cancellationToken);
        await MoveAsync(db.CreditNotes, from, target, now, cancellationToken);
        await MoveAsync(db.Payments, from, target, now, cancellationToken);
        await MoveAsync(db.Subscriptions, from, target, now, cancellationToken);
    }

    private static Task<int> MoveAsync<T>(DbSet<T> set, Guid[] from, BillingAccount target, DateTimeOffset now, CancellationToken cancellationToken)
        where T : class, IBilledToAccount =>
        set.Where(row => from.Contains(row.BillingAccountId))
            .ExecuteUpdateAsync(
                row => row.SetProperty(r => r.BillingAccountId, target.Id)
                    .SetProperty(r => r.PersonId, target.PersonId)
                    .SetProperty(r => r.Version, r => r.Version + 1)
                    .SetProperty(r => r.UpdatedAt, now),
                cancellationToken);
}

internal sealed class PersonMergeConfiguration : IEntityTypeConfiguration<PersonMerge>
{
    public void Configure(EntityTypeBuilder<PersonMerge> merge)
    {
        merge.ToTable("person_merges");
        merge.HasKey(m => new { m.TenantId, m.MergedPersonId });
        merge.HasIndex(m => new { m.TenantId, m.SurvivorId });
    }
}
