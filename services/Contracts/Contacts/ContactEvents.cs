using System.Text.Json;

namespace CrmCloud.Contracts.Contacts;

/// <summary>
/// A person as other services need to copy it; the event's <c>Version</c> grows with each change of the
/// person, so a consumer can ignore a fact older than the copy it already has. <see cref="Email"/> and
/// <see cref="Phone"/> are the primary ones. Members added later (from <see cref="CompanyId"/> on) are
/// absent in older events, so they are optional. Enumerations are the API's lower-case strings
/// (<c>"lead"</c>, <c>"customer"</c>); <see cref="BirthDate"/> is for age bands in segments.
/// <see cref="CustomFields"/> holds the tenant's custom field values by key, as the API shows them: a string
/// (text, a choice's option, a date <c>YYYY-MM-DD</c>), a number or a boolean.
/// </summary>
public sealed record ContactSnapshot(
    string FirstName,
    string LastName,
    string? Email,
    string? Phone,
    string? JobTitle,
    Guid? CompanyId = null)
{
    /// <summary>Every email address of the person, the primary one first among equals.</summary>
    public IReadOnlyList<string> Emails { get; init; } = [];

    public IReadOnlyList<string> Phones { get; init; } = [];

    public AddressSnapshot? Address { get; init; }

    /// <summary>A BCP 47 language tag (<c>en-GB</c>).</summary>
    public string? Language { get; init; }

    public string? PreferredChannel { get; init; }

    public string? Source { get; init; }

    public string? LifecycleStage { get; init; }

    public string? Relationship { get; init; }

    public string? OwnerId { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public DateOnly? BirthDate { get; init; }

    public string? Gender { get; init; }

    public string? IncomeBand { get; init; }

    public string? PurchasePurpose { get; init; }

    public string? PaymentMethod { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? CustomFields { get; init; }
}

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

/// <summary>
/// People found to be the same were merged into one: <see cref="PersonId"/> survives with
/// <see cref="Contact"/> at <see cref="Version"/>, and each of <see cref="Merged"/> is gone, like a deleted
/// person at its own version. A consumer moves whatever it keeps about a merged person (orders, tickets,
/// invoices, responses) to the survivor, and from then on treats a fact naming a merged id as the survivor's.
/// </summary>
public sealed record ContactsMerged(
    string TenantId,
    Guid PersonId,
    long Version,
    ContactSnapshot Contact,
    IReadOnlyList<MergedContact> Merged,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A person merged into another, and the version its removal has (one past its last).</summary>
public sealed record MergedContact(Guid PersonId, long Version);
