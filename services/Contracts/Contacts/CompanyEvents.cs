using System.Text.Json;

namespace CrmCloud.Contracts.Contacts;

/// <summary>
/// A company as other services need to copy it. <see cref="Size"/> and <see cref="Relationship"/> are the
/// API's lower-case strings (<c>"51-200"</c>, <c>"customer"</c>); <see cref="ParentCompanyId"/> is another
/// company of the same tenant. <see cref="CustomFields"/> (added later, absent in older events) holds the tenant's
/// custom field values by key, as the API shows them.
/// </summary>
public sealed record CompanySnapshot(
    string Name,
    string? Domain,
    string? Industry,
    string? Size,
    string? Phone,
    AddressSnapshot? Address,
    string? Relationship,
    Guid? ParentCompanyId,
    string? OwnerId,
    IReadOnlyDictionary<string, JsonElement>? CustomFields = null)
{
    /// <summary>The company's tags (added later, empty in older events).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}

/// <summary>A person's or company's postal address; <see cref="Country"/> is an ISO 3166-1 alpha-2 code.</summary>
public sealed record AddressSnapshot(
    string? Street,
    string? City,
    string? Region,
    string? PostalCode,
    string? Country);

/// <summary>A company was created in contacts.</summary>
public sealed record CompanyCreated(
    string TenantId,
    Guid CompanyId,
    long Version,
    CompanySnapshot Company,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A company's details changed in contacts; carries the whole new state.</summary>
public sealed record CompanyUpdated(
    string TenantId,
    Guid CompanyId,
    long Version,
    CompanySnapshot Company,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A company was deleted in contacts; copies elsewhere should go too.</summary>
public sealed record CompanyDeleted(
    string TenantId,
    Guid CompanyId,
    long Version,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
