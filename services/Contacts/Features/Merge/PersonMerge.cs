using CrmCloud.Platform.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Contacts.Features.Merge;

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
