using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Companies;

/// <remarks>
/// The address is one jsonb column (<see cref="JsonColumn{T}"/>), null when there is none.
/// The parent company (and a person's company) are plain ids inside the details, without foreign keys:
/// a reference must name a company of the same tenant, which a key on <c>id</c> alone cannot say, and
/// EF Core cannot key a complex type's columns. <see cref="CompanyLinks"/> checks references in code and
/// refuses to delete a company still linked to; a link committed in the same instant as the delete can
/// slip past that check and leave an id that names no company.
/// </remarks>
internal sealed class CompanyConfiguration : IEntityTypeConfiguration<Company>
{
    public void Configure(EntityTypeBuilder<Company> company)
    {
        company.ToTable("companies");
        company.HasKey(c => c.Id);
        company.Property(c => c.Id).ValueGeneratedNever();
        company.Property(c => c.Version).IsConcurrencyToken();
        company.HasIndex(c => new { c.TenantId, c.Id });
        company.ComplexProperty(c => c.Details, details =>
        {
            details.Property(d => d.Name).HasColumnName("name").HasMaxLength(CompanyRequests.NameLength);
            details.Property(d => d.Domain).HasColumnName("domain").HasMaxLength(CompanyRequests.DomainLength);
            details.Property(d => d.Industry).HasColumnName("industry").HasMaxLength(CompanyRequests.IndustryLength);
            details.Property(d => d.Size).HasColumnName("size").HasMaxLength(16).HasConversion(WireNames<CompanySize>.Converter);
            details.Property(d => d.Phone).HasColumnName("phone").HasMaxLength(32);
            details.Property(d => d.ParentCompanyId).HasColumnName("parent_company_id");
            details.Property(d => d.Relationship).HasColumnName("relationship").HasMaxLength(16).HasConversion(WireNames<Relationship>.Converter);
            details.Property(d => d.OwnerId).HasColumnName("owner_id").HasMaxLength(CompanyRequests.OwnerIdLength);
            details.PrimitiveCollection(d => d.Tags).HasColumnName("tags").HasColumnType("text[]");
            details.Property(d => d.Address).HasColumnName("address").HasColumnType("jsonb").HasConversion(JsonColumn<PostalAddress?>.Converter, JsonColumn<PostalAddress?>.Comparer);
            details.Property(d => d.CustomFields).HasCustomFieldsColumn();
        });
    }
}
