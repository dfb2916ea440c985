using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Activities;

/// <remarks>
/// <para>
/// <c>person_id</c> keys to <c>people(id)</c> with ON DELETE CASCADE: an activity holds personal data about the
/// person (what was said, written, agreed), so deleting or erasing the person removes it in the same statement,
/// also when it names a company as well.
/// </para>
/// <para>
/// <c>company_id</c> keys to <c>companies(id)</c> with ON DELETE SET NULL rather than RESTRICT: the companies
/// endpoint decides when a company may go (it checks people and child companies), and a RESTRICT key it does not
/// know about would turn that delete into a server error. The activity stays with its person; one logged against
/// the company alone stays in the tenant's activity list without a link.
/// </para>
/// <para>
/// As for consents, ids are unique across tenants and both references are checked through the tenant filter
/// before they are written, so keys on <c>id</c> alone cannot cross tenants.
/// </para>
/// </remarks>
internal sealed class ActivityConfiguration : IEntityTypeConfiguration<Activity>
{
    public void Configure(EntityTypeBuilder<Activity> activity)
    {
        activity.ToTable("activities");
        activity.HasKey(a => a.Id);
        activity.Property(a => a.Id).ValueGeneratedNever();
        activity.Property(a => a.Version).IsConcurrencyToken();
        activity.HasIndex(a => new { a.TenantId, a.Id });
        activity.HasIndex(a => new { a.TenantId, a.CompanyId, a.Id });
        activity.HasOne<Person>().WithMany().HasForeignKey(a => a.PersonId).OnDelete(DeleteBehavior.Cascade);
        activity.HasOne<Company>().WithMany().HasForeignKey(a => a.CompanyId).OnDelete(DeleteBehavior.SetNull);
        activity.ComplexProperty(a => a.Details, details =>
        {
            details.Property(d => d.Type).HasColumnName("type").HasMaxLength(16).HasConversion(WireNames<ActivityType>.Converter);
            details.Property(d => d.Subject).HasColumnName("subject").HasMaxLength(ActivityRequests.SubjectLength);
            details.Property(d => d.Body).HasColumnName("body").HasMaxLength(ActivityRequests.BodyLength);
            // The timeline's order; indexed with tenant_id, person_id and id by the Activities migration, since
            // EF Core cannot index a complex type's columns.
            details.Property(d => d.OccurredAt).HasColumnName("occurred_at");
            details.Property(d => d.Direction).HasColumnName("direction").HasMaxLength(16).HasConversion(WireNames<ActivityDirection>.Converter);
            details.Property(d => d.Outcome).HasColumnName("outcome").HasMaxLength(ActivityRequests.OutcomeLength);
            details.Property(d => d.OwnerId).HasColumnName("owner_id").HasMaxLength(ActivityRequests.OwnerIdLength);
            details.Property(d => d.DueAt).HasColumnName("due_at");
            details.Property(d => d.Done).HasColumnName("done");
        });
    }
}
