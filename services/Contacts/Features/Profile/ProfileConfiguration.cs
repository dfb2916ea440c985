using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Contacts.Features.Profile;

/// <remarks>
/// Facts and profiles key to <c>people(id)</c> with ON DELETE CASCADE, as activities and consents do: they are data
/// about the person, so deleting or erasing the person removes them in the same statement. A fact's company keys to
/// <c>companies(id)</c> with ON DELETE SET NULL, like an activity's: the fact stays the person's. Both ids are checked
/// through the tenant filter before a fact is written, and ids are unique across tenants, so keys on <c>id</c> alone
/// cannot cross tenants.
/// </remarks>
internal sealed class CustomerFactConfiguration : IEntityTypeConfiguration<CustomerFact>
{
    public void Configure(EntityTypeBuilder<CustomerFact> fact)
    {
        fact.ToTable("customer_facts");
        fact.HasKey(f => f.Id);
        fact.Property(f => f.Id).ValueGeneratedNever();
        fact.Property(f => f.Kind).HasMaxLength(16).HasConversion(WireNames<FactKind>.Converter);
        fact.Property(f => f.Event).HasMaxLength(CustomerFact.EventLength);
        fact.Property(f => f.Summary).HasMaxLength(CustomerFact.SummaryLength);
        fact.Property(f => f.Amount).HasColumnType("numeric(19,4)");
        fact.Property(f => f.Currency).HasMaxLength(3).IsFixedLength();
        fact.Property(f => f.CampaignName).HasMaxLength(CustomerFact.CampaignNameLength);
        // The natural key: one fact per source and event, whatever message brought it. Also serves the lookups of
        // cancellations and solutions by source id.
        fact.HasIndex(f => new { f.TenantId, f.Kind, f.SourceId, f.Event }).IsUnique();
        // The timeline, newest first with id as the tie-breaker, and a company's facts.
        fact.HasIndex(f => new { f.TenantId, f.PersonId, f.OccurredAt, f.Id }).IsDescending(false, false, true, true);
        fact.HasIndex(f => new { f.TenantId, f.CompanyId });
        fact.HasOne<Person>().WithMany().HasForeignKey(f => f.PersonId).OnDelete(DeleteBehavior.Cascade);
        fact.HasOne<Company>().WithMany().HasForeignKey(f => f.CompanyId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class CustomerProfileConfiguration : IEntityTypeConfiguration<CustomerProfile>
{
    public void Configure(EntityTypeBuilder<CustomerProfile> profile)
    {
        profile.ToTable("customer_profiles");
        profile.HasKey(p => p.PersonId);
        profile.Property(p => p.PersonId).ValueGeneratedNever();
        profile.Property(p => p.LastResponse).HasMaxLength(CustomerFact.EventLength);
        profile.Property(p => p.LastResponseCampaignName).HasMaxLength(CustomerFact.CampaignNameLength);
        // The value score ranks the tenant's customers (people with orders) by these.
        profile.HasIndex(p => new { p.TenantId, p.OrderCount });
        profile.HasOne<Person>().WithOne().HasForeignKey<CustomerProfile>(p => p.PersonId).OnDelete(DeleteBehavior.Cascade);
        profile.HasMany(p => p.Revenues).WithOne().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerRevenueConfiguration : IEntityTypeConfiguration<CustomerRevenue>
{
    public void Configure(EntityTypeBuilder<CustomerRevenue> revenue)
    {
        revenue.ToTable("customer_revenues");
        revenue.HasKey(r => new { r.PersonId, r.Currency });
        revenue.Property(r => r.Currency).HasMaxLength(3).IsFixedLength();
        revenue.Property(r => r.Amount).HasColumnType("numeric(19,4)");
        // People by lifetime value in one currency, and the value score's monetary ranking.
        revenue.HasIndex(r => new { r.TenantId, r.Currency, r.Amount, r.PersonId });
    }
}
