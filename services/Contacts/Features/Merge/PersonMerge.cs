using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Contacts.Features.Merge;

/// <summary>
/// A person merged into another: the merged id stays known, so a repeated merge is recognised and a fact
/// from another service that still names the merged id finds the survivor. When the survivor is merged
/// in turn, its merges move on to the new survivor, so the record always names a person that exists.
/// </summary>
public sealed class PersonMerge : ITenantOwned
{
    private PersonMerge()
    {
    }

    public Guid MergedPersonId { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid SurvivorId { get; private set; }

    public DateTimeOffset MergedAt { get; private set; }

    public static PersonMerge Of(string tenantId, Guid mergedPersonId, Guid survivorId, DateTimeOffset now) =>
        new() { TenantId = tenantId, MergedPersonId = mergedPersonId, SurvivorId = survivorId, MergedAt = now };

    /// <summary>The person that <paramref name="personId"/> now is: its survivor when it was merged, else itself.</summary>
    public static async Task<Guid> SurvivorOfAsync(ContactsDb db, Guid personId, CancellationToken cancellationToken) =>
        await db.PersonMerges.Where(m => m.MergedPersonId == personId).Select(m => (Guid?)m.SurvivorId).FirstOrDefaultAsync(cancellationToken) ?? personId;
}

/// <remarks>Kept after the survivor is deleted or erased: it holds two ids and no personal data.</remarks>
internal sealed class PersonMergeConfiguration : IEntityTypeConfiguration<PersonMerge>
{
    public void Configure(EntityTypeBuilder<PersonMerge> merge)
    {
        merge.ToTable("person_merges");
        merge.HasKey(m => m.MergedPersonId);
        merge.Property(m => m.MergedPersonId).ValueGeneratedNever();
        merge.HasIndex(m => new { m.TenantId, m.SurvivorId });
    }
}
