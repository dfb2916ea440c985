using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Contacts.Features.People;

/// <remarks>
/// Every email address and phone number is in the jsonb lists; the primary ones are also in <c>email</c> and
/// <c>phone</c>, which search and duplicate detection index. The address and demographics are jsonb too
/// (see <see cref="JsonColumn{T}"/>).
/// </remarks>
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
            details.Property(d => d.Emails).HasColumnName("emails").HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb")
                .HasConversion(JsonColumn<EmailAddress[]>.Converter, JsonColumn<EmailAddress[]>.Comparer);
            details.Property(d => d.Phones).HasColumnName("phones").HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb")
                .HasConversion(JsonColumn<PhoneNumber[]>.Converter, JsonColumn<PhoneNumber[]>.Comparer);
            details.Property(d => d.JobTitle).HasColumnName("job_title").HasMaxLength(PersonRequests.NameLength);
            // A plain id, checked against the tenant's companies in code (see CompanyConfiguration); indexed by the
            // Companies migration, since EF Core cannot index a complex type's columns.
            details.Property(d => d.CompanyId).HasColumnName("company_id");
            details.Property(d => d.Address).HasColumnName("address").HasColumnType("jsonb")
                .HasConversion(JsonColumn<PostalAddress?>.Converter, JsonColumn<PostalAddress?>.Comparer);
            details.Property(d => d.Language).HasColumnName("language").HasMaxLength(35);
            details.Property(d => d.PreferredChannel).HasColumnName("preferred_channel").HasMaxLength(16).HasConversion(WireNames<ContactChannel>.Converter);
            details.Property(d => d.Source).HasColumnName("source").HasMaxLength(PersonRequests.SourceLength);
            details.Property(d => d.LifecycleStage).HasColumnName("lifecycle_stage").HasMaxLength(16).HasConversion(WireNames<LifecycleStage>.Converter);
            details.Property(d => d.Relationship).HasColumnName("relationship").HasMaxLength(16).HasConversion(WireNames<Relationship>.Converter);
            details.Property(d => d.OwnerId).HasColumnName("owner_id").HasMaxLength(PersonRequests.OwnerIdLength);
            details.PrimitiveCollection(d => d.Tags).HasColumnName("tags").HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
            details.Property(d => d.Demographics).HasColumnName("demographics").HasColumnType("jsonb")
                .HasConversion(JsonColumn<Demographics?>.Converter, JsonColumn<Demographics?>.Comparer);
            details.Property(d => d.CustomFields).HasCustomFieldsColumn();
        });
    }
}
