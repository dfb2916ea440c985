using System.Text.Json;

namespace CrmCloud.Contracts.Contacts;

/// <summary>
/// A person as other services need to copy it. <see cref="Version"/> grows with each change of the
/// person, so a consumer can ignore a fact older than the copy it already has.
/// <see cref="CompanyId"/> (added later, absent in older events) is the company the person works for.
/// <see cref="CustomFields"/> (added later, absent in older events) holds the tenant's custom field values by key, as
/// the API shows them: a string (text, a choice's option, a date <c>YYYY-MM-DD</c>), a number or a boolean.
/// </summary>
public sealed record ContactSnapshot(
    string FirstName,
    string LastName,
    string? Email,
    string? Phone,
    string? JobTitle,
    Guid? CompanyId = null,
    IReadOnlyDictionary<string, JsonElement>? CustomFields = null);

/// <summary>A person was created in contacts.</summary>
public sealed record ContactCreated(
    string TenantId,
    Guid PersonId,
    long Version,
    ContactSnapshot Contact,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A person's details changed in contacts; carries the whole new state.</summary>
public sealed record ContactUpdated(
    string TenantId,
    Guid PersonId,
    long Version,
    ContactSnapshot Contact,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A person was deleted in contacts; copies elsewhere should go too.</summary>
public sealed record ContactDeleted(
    string TenantId,
    Guid PersonId,
    long Version,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
