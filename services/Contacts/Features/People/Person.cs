using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.People;

/// <summary>A person the tenant deals with. Changes go through <see cref="Change"/>, which keeps the version.</summary>
public sealed class Person : VersionedResource<PersonDetails>
{
    private Person()
    {
    }

    public static Person Create(string tenantId, Guid id, PersonDetails details, DateTimeOffset now)
    {
        var created = new Person();
        created.Initialize(tenantId, id, details, now);
        return created;
    }

    public ContactCreated Created() => new(TenantId, Id, Version, Snapshot(), CreatedAt);

    public ContactUpdated Updated() => new(TenantId, Id, Version, Snapshot(), UpdatedAt);

    public ContactDeleted Deleted(DateTimeOffset now) => new(TenantId, Id, Version + 1, now);

    private ContactSnapshot Snapshot() =>
        new(Details.FirstName, Details.LastName, Details.Email, Details.Phone, Details.JobTitle, Details.CompanyId, Details.CustomFields);
}

/// <summary>
/// What a caller says about a person; validated by <see cref="PersonRequests"/>. <see cref="CompanyId"/>
/// is the company of the tenant the person works for.
/// </summary>
public sealed record PersonDetails(string FirstName, string LastName, string? Email, string? Phone, string? JobTitle, Guid? CompanyId)
{
    /// <summary>Checked against the tenant's definitions by <see cref="CustomFieldSchema"/>, not by <see cref="PersonRequests"/>.</summary>
    public CustomFieldValues CustomFields { get; init; } = CustomFieldValues.None;
}
