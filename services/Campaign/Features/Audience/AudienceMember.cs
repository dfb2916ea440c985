using System.Text.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Campaign.Features.Audience;

/// <summary>
/// Campaign's copy of a person: what segmentation and delivery need to reach them. Consents and behaviour live beside
/// it (<see cref="AudienceConsent"/>, <see cref="AudienceOrder"/>, <see cref="AudienceTicket"/>), since their events may
/// arrive before the person's.
/// </summary>
public sealed class AudienceMember : ContactCopy
{
    public string FirstName { get; private set; } = "";

    public string LastName { get; private set; } = "";

    public string? Email { get; private set; }

    public string? Phone { get; private set; }

    public string? Language { get; private set; }

    public string? LifecycleStage { get; private set; }

    public string[] Tags { get; private set; } = [];

    /// <summary>ISO 3166-1 alpha-2, from the person's address.</summary>
    public string? Country { get; private set; }

    /// <summary>For age bands: the age is worked out when a segment is evaluated, so it never goes stale.</summary>
    public DateOnly? BirthDate { get; private set; }

    public Guid? CompanyId { get; private set; }

    /// <summary>The tenant's custom field values by key as a <c>jsonb</c> object, queried by segments.</summary>
    public string? CustomFields { get; private set; }

    protected override void Copy(ContactSnapshot contact)
    {
        FirstName = contact.FirstName;
        LastName = contact.LastName;
        Email = contact.Email;
        Phone = contact.Phone;
        Language = contact.Language;
        LifecycleStage = contact.LifecycleStage?.ToLowerInvariant();
        Tags = [.. contact.Tags.Select(tag => tag.ToLowerInvariant()).Distinct()];
        Country = contact.Address?.Country?.ToUpperInvariant();
        BirthDate = contact.BirthDate;
        CompanyId = contact.CompanyId;
        CustomFields = contact.CustomFields is { Count: > 0 } fields ? JsonSerializer.Serialize(fields) : null;
    }
}

public sealed record AudienceMemberResponse(
    Guid Id,
    Guid PersonId,
    string FirstName,
    string LastName,
    string? Email,
    string? Phone,
    string? LifecycleStage,
    IReadOnlyList<string> Tags,
    string? Country,
    DateOnly? BirthDate,
    Guid? CompanyId,
    JsonElement? CustomFields,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static AudienceMemberResponse From(AudienceMember member) =>
        new(
            member.Id,
            member.PersonId,
            member.FirstName,
            member.LastName,
            member.Email,
            member.Phone,
            member.LifecycleStage,
            member.Tags,
            member.Country,
            member.BirthDate,
            member.CompanyId,
            member.CustomFields is { } fields ? JsonDocument.Parse(fields).RootElement.Clone() : null,
            member.CreatedAt,
            member.UpdatedAt,
            member.Version);
}

internal sealed class AudienceMemberConfiguration : IEntityTypeConfiguration<AudienceMember>
{
    public void Configure(EntityTypeBuilder<AudienceMember> member)
    {
        member.ToTable("audience_members");
        ContactCopy.Configure(member);
        member.Property(m => m.FirstName).HasMaxLength(100);
        member.Property(m => m.LastName).HasMaxLength(100);
        member.Property(m => m.Email).HasMaxLength(254);
        member.Property(m => m.Phone).HasMaxLength(32);
        member.Property(m => m.Language).HasMaxLength(35);
        member.Property(m => m.LifecycleStage).HasMaxLength(32);
        member.Property(m => m.Country).HasMaxLength(2);
        member.Property(m => m.CustomFields).HasColumnType("jsonb");
    }
}
