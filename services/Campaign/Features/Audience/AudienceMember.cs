using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Campaign.Features.Audience;

/// <summary>Campaign's copy of a person: what segmentation and delivery need to reach them.</summary>
public sealed class AudienceMember : ContactCopy
{
    public string FirstName { get; private set; } = "";

    public string? Email { get; private set; }

    public string? Phone { get; private set; }

    protected override void Copy(ContactSnapshot contact)
    {
        FirstName = contact.FirstName;
        Email = contact.Email;
        Phone = contact.Phone;
    }
}

public sealed record AudienceMemberResponse(Guid Id, Guid PersonId, string FirstName, string? Email, string? Phone, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static AudienceMemberResponse From(AudienceMember member) =>
        new(member.Id, member.PersonId, member.FirstName, member.Email, member.Phone, member.CreatedAt, member.UpdatedAt, member.Version);
}

internal sealed class AudienceMemberConfiguration : IEntityTypeConfiguration<AudienceMember>
{
    public void Configure(EntityTypeBuilder<AudienceMember> member)
    {
        member.ToTable("audience_members");
        ContactCopy.Configure(member);
        member.Property(m => m.FirstName).HasMaxLength(100);
        member.Property(m => m.Email).HasMaxLength(254);
        member.Property(m => m.Phone).HasMaxLength(32);
    }
}
