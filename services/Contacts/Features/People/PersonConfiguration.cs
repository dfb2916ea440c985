using CrmCloud.Contacts.Features.CustomFields;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Contacts.Features.People;

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> person)
    {
        person.ToTable("people");
        person.HasKey(p => p.Id);
        person.Property(p => p.Id).ValueGeneratedNever();
        person.Property(p => p.Version).IsConcurrencyToken();
        person.HasIndex(p => new { p.TenantId, p.Id });
        person.ComplexProperty(p => p.Details, details =>
        {
            details.Property(d => d.FirstName).HasColumnName("first_name").HasMaxLength(PersonRequests.NameLength);
            details.Property(d => d.LastName).HasColumnName("last_name").HasMaxLength(PersonRequests.NameLength);
            details.Property(d => d.Email).HasColumnName("email").HasMaxLength(254);
            details.Property(d => d.Phone).HasColumnName("phone").HasMaxLength(32);
            details.Property(d => d.JobTitle).HasColumnName("job_title").HasMaxLength(PersonRequests.NameLength);
            // A plain id, checked against the tenant's companies in code (see CompanyConfiguration); indexed by the
            // Companies migration, since EF Core cannot index a complex type's columns.
            details.Property(d => d.CompanyId).HasColumnName("company_id");
            details.Property(d => d.CustomFields).HasCustomFieldsColumn();
        });
    }
}
