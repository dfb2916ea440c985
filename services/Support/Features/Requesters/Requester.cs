using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Support.Features.Requesters;

/// <summary>Support's copy of a person: who asks for help, and how to answer them.</summary>
public sealed class Requester : ContactCopy
{
    public string Name { get; private set; } = "";

    public string? Email { get; private set; }

    public string? Phone { get; private set; }

    protected override void Copy(ContactSnapshot contact)
    {
        Name = $"{contact.FirstName} {contact.LastName}".Trim();
        Email = contact.Email;
        Phone = contact.Phone;
    }
}

public sealed record RequesterResponse(Guid Id, Guid PersonId, string Name, string? Email, string? Phone, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static RequesterResponse From(Requester requester) =>
        new(requester.Id, requester.PersonId, requester.Name, requester.Email, requester.Phone, requester.CreatedAt, requester.UpdatedAt, requester.Version);
}

internal sealed class RequesterConfiguration : IEntityTypeConfiguration<Requester>
{
    public void Configure(EntityTypeBuilder<Requester> requester)
    {
        requester.ToTable("requesters");
        ContactCopy.Configure(requester);
        requester.Property(r => r.Name).HasMaxLength(201);
        requester.Property(r => r.Email).HasMaxLength(254);
        requester.Property(r => r.Phone).HasMaxLength(32);
    }
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
