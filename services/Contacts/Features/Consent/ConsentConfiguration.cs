using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Consent;

/// <remarks>
/// Both tables key to <c>people(id)</c> with ON DELETE CASCADE, so deleting a person removes the consents and
/// their history in the same statement. A person id is unique across tenants and consents are only written
/// for a person read through the tenant filter, so the key on <c>id</c> alone cannot cross tenants.
/// </remarks>
internal sealed class PersonConsentConfiguration : IEntityTypeConfiguration<PersonConsent>
{
    public void Configure(EntityTypeBuilder<PersonConsent> consent)
    {
        consent.ToTable("consents");
        consent.HasKey(c => c.Id);
        consent.Property(c => c.Id).ValueGeneratedNever();
        consent.Property(c => c.Version).IsConcurrencyToken();
        consent.Property(c => c.Channel).HasMaxLength(16).HasConversion(WireNames<ConsentChannel>.Converter);
        consent.Property(c => c.ChangedBy).HasMaxLength(ConsentRequests.SubjectLength);
        consent.HasIndex(c => new { c.TenantId, c.PersonId, c.Channel }).IsUnique();
        consent.HasOne<Person>().WithMany().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Cascade);
        consent.ComplexProperty(c => c.Details, terms =>
        {
            terms.Property(t => t.Status).HasColumnName("status").HasMaxLength(16).HasConversion(WireNames<ConsentStatus>.Converter);
            terms.Property(t => t.Source).HasColumnName("source").HasMaxLength(ConsentRequests.SourceLength);
            terms.Property(t => t.LawfulBasis).HasColumnName("lawful_basis").HasMaxLength(32).HasConversion(WireNames<LawfulBasis>.Converter);
        });
    }
}

internal sealed class ConsentChangeConfiguration : IEntityTypeConfiguration<ConsentChange>
{
    public void Configure(EntityTypeBuilder<ConsentChange> change)
    {
        change.ToTable("consent_changes");
        change.HasKey(c => c.Id);
        change.Property(c => c.Id).ValueGeneratedNever();
        change.Property(c => c.Channel).HasMaxLength(16).HasConversion(WireNames<ConsentChannel>.Converter);
        change.Property(c => c.Status).HasMaxLength(16).HasConversion(WireNames<ConsentStatus>.Converter);
        change.Property(c => c.Source).HasMaxLength(ConsentRequests.SourceLength);
        change.Property(c => c.LawfulBasis).HasMaxLength(32).HasConversion(WireNames<LawfulBasis>.Converter);
        change.Property(c => c.ChangedBy).HasMaxLength(ConsentRequests.SubjectLength);
        // Serves a person's history in id order and the cascade from people.
        change.HasIndex(c => new { c.PersonId, c.Id });
        change.HasOne<Person>().WithMany().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
