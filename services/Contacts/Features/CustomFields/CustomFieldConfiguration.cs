using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Contacts.Features.CustomFields;

/// <remarks>
/// A key is unique per tenant and entity: the index says so, so two requests defining the same key at once
/// cannot both succeed.
/// </remarks>
internal sealed class CustomFieldConfiguration : IEntityTypeConfiguration<CustomFieldDefinition>
{
    public const string UniqueKeyIndex = "ix_custom_fields_tenant_id_entity_key";

    public void Configure(EntityTypeBuilder<CustomFieldDefinition> field)
    {
        field.ToTable("custom_fields");
        field.HasKey(f => f.Id);
        field.Property(f => f.Id).ValueGeneratedNever();
        field.Property(f => f.Version).IsConcurrencyToken();
        field.Property(f => f.Entity).HasMaxLength(16).HasConversion(WireNames<CustomFieldEntity>.Converter);
        field.Property(f => f.Key).HasMaxLength(CustomFieldRequests.KeyLength);
        field.Property(f => f.Type).HasMaxLength(16).HasConversion(WireNames<CustomFieldType>.Converter);
        field.HasIndex(f => new { f.TenantId, f.Entity, f.Key }).IsUnique().HasDatabaseName(UniqueKeyIndex);
        field.HasIndex(f => new { f.TenantId, f.Id });
        field.ComplexProperty(f => f.Details, details =>
        {
            details.Property(d => d.Label).HasColumnName("label").HasMaxLength(CustomFieldRequests.LabelLength);
            details.Property(d => d.Description).HasColumnName("description").HasMaxLength(CustomFieldRequests.DescriptionLength);
            details.Property(d => d.Required).HasColumnName("required");
            details.PrimitiveCollection(d => d.Options).HasColumnName("options").HasColumnType("text[]");
        });

        CustomFieldColumns.AddFunctions(field.Metadata.Model);
    }
}
