using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.People;

/// <summary>A person the tenant deals with. Changes go through <see cref="Change"/>, which keeps the version.</summary>
public sealed class Person : IEntity, ITenantOwned
{
    private Person()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public PersonDetails Details { get; private set; } = PersonDetails.Empty;

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Grows by one with every change; the ETag and the order of contact events.</summary>
    public long Version { get; private set; }

    public static Person Create(string tenantId, Guid id, PersonDetails details, DateTimeOffset now) => new()
    {
        TenantId = tenantId,
        Id = id,
        Details = details,
        CreatedAt = now,
        UpdatedAt = now,
        Version = 1,
    };

    /// <returns>False when <paramref name="details"/> changes nothing: the version stays.</returns>
    public bool Change(PersonDetails details, DateTimeOffset now)
    {
        if (details == Details)
        {
            return false;
        }

        Details = details;
        UpdatedAt = now;
        Version++;
        return true;
    }

    public ContactCreated Created() => new(TenantId, Id, Version, Snapshot(), CreatedAt);

    public ContactUpdated Updated() => new(TenantId, Id, Version, Snapshot(), UpdatedAt);

    public ContactDeleted Deleted(DateTimeOffset now) => new(TenantId, Id, Version + 1, now);

    private ContactSnapshot Snapshot() =>
        new(Details.FirstName, Details.LastName, Details.Email, Details.Phone, Details.JobTitle, Details.CompanyId);
}

/// <summary>
/// What a caller says about a person; validated by <see cref="PersonRequests"/>. <see cref="CompanyId"/>
/// is the company of the tenant the person works for.
/// </summary>
public sealed record PersonDetails(string FirstName, string LastName, string? Email, string? Phone, string? JobTitle, Guid? CompanyId)
{
    public static readonly PersonDetails Empty = new("", "", null, null, null, null);
}
