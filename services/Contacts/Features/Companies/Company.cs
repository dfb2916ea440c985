using System.Text.Json.Serialization;
using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.Companies;

/// <summary>
/// An organisation the tenant deals with; people may work for it and it may belong to a parent company.
/// Changes go through <see cref="Change"/>, which keeps the version.
/// </summary>
public sealed class Company : VersionedResource<CompanyDetails>
{
    private Company()
    {
    }

    public static Company Create(string tenantId, Guid id, CompanyDetails details, DateTimeOffset now)
    {
        var created = new Company();
        created.Initialize(tenantId, id, details, now);
        return created;
    }

    public CompanyCreated Created() => new(TenantId, Id, Version, Snapshot(), CreatedAt);

    public CompanyUpdated Updated() => new(TenantId, Id, Version, Snapshot(), UpdatedAt);

    public CompanyDeleted Deleted(DateTimeOffset now) => new(TenantId, Id, Version + 1, now);

    private CompanySnapshot Snapshot() => new(
        Details.Name,
        Details.Domain,
        Details.Industry,
        Details.Size is { } size ? WireNames<CompanySize>.Of(size) : null,
        Details.Phone,
        Details.Address is { } address ? new AddressSnapshot(address.Street, address.City, address.Region, address.PostalCode, address.Country) : null,
        Details.Relationship is { } relationship ? WireNames<Relationship>.Of(relationship) : null,
        Details.ParentCompanyId,
        Details.OwnerId,
        Details.CustomFields)
    {
        Tags = Details.Tags,
    };
}

/// <summary>What a caller says about a company; validated by <see cref="CompanyRequests"/>.</summary>
public sealed record CompanyDetails(
    string Name,
    string? Domain,
    string? Industry,
    CompanySize? Size,
    string? Phone,
    PostalAddress? Address,
    Guid? ParentCompanyId,
    Relationship? Relationship,
    string? OwnerId,
    string[] Tags)
{
    /// <summary>Checked against the tenant's definitions by <see cref="CustomFieldSchema"/>, not by <see cref="CompanyRequests"/>.</summary>
    public CustomFieldValues CustomFields { get; init; } = CustomFieldValues.None;

    /// <summary>Equal when every field is, tags compared in order (an array alone compares by reference).</summary>
    public bool Equals(CompanyDetails? other) =>
        other is not null
        && Name == other.Name
        && Domain == other.Domain
        && Industry == other.Industry
        && Size == other.Size
        && Phone == other.Phone
        && Address == other.Address
        && ParentCompanyId == other.ParentCompanyId
        && Relationship == other.Relationship
        && OwnerId == other.OwnerId
        && Tags.SequenceEqual(other.Tags, StringComparer.Ordinal)
        && CustomFields.Equals(other.CustomFields);

    public override int GetHashCode() => HashCode.Combine(Name, Domain, ParentCompanyId, OwnerId, Tags.Length);
}

/// <summary>The company's head count, in bands.</summary>
public enum CompanySize
{
    [JsonStringEnumMemberName("1-10")]
    From1To10,

    [JsonStringEnumMemberName("11-50")]
    From11To50,

    [JsonStringEnumMemberName("51-200")]
    From51To200,

    [JsonStringEnumMemberName("201-1000")]
    From201To1000,

    [JsonStringEnumMemberName("1001-5000")]
    From1001To5000,

    [JsonStringEnumMemberName("5001+")]
    Over5000,
}
