using System.Text.Json.Serialization;
using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.Consent;

/// <summary>
/// A person's current consent to be contacted on one channel: one per person and channel. Changes go
/// through <see cref="Record"/>, which keeps the version and says whether anything changed; each change
/// is also kept as a <see cref="ConsentChange"/>.
/// </summary>
public sealed class PersonConsent : VersionedResource<ConsentTerms>
{
    private PersonConsent()
    {
    }

    public Guid PersonId { get; private set; }

    public ConsentChannel Channel { get; private set; }

    /// <summary>When the person gave or withdrew consent, as the caller stated it (not when it was recorded).</summary>
    public DateTimeOffset ChangedAt { get; private set; }

    /// <summary>The <c>sub</c> of the caller who recorded the current state.</summary>
    public string? ChangedBy { get; private set; }

    public static PersonConsent Create(
        string tenantId, Guid personId, ConsentChannel channel, ConsentTerms terms, DateTimeOffset changedAt, string? changedBy, DateTimeOffset now)
    {
        var created = new PersonConsent { PersonId = personId, Channel = channel, ChangedAt = changedAt, ChangedBy = changedBy };
        created.Initialize(tenantId, Ids.New(), terms, now);
        return created;
    }

    /// <returns>False when <paramref name="terms"/> are the current ones: nothing changes, not even <see cref="ChangedAt"/>.</returns>
    public bool Record(ConsentTerms terms, DateTimeOffset changedAt, string? changedBy, DateTimeOffset now)
    {
        if (!Change(terms, now))
        {
            return false;
        }

        ChangedAt = changedAt;
        ChangedBy = changedBy;
        return true;
    }

    /// <summary>The history row of the current state, to be saved with it.</summary>
    public ConsentChange History() => ConsentChange.Of(this);

    public ConsentChanged Changed() => new(
        TenantId,
        PersonId,
        WireNames<ConsentChannel>.Of(Channel),
        WireNames<ConsentStatus>.Of(Details.Status),
        Details.Source,
        Details.LawfulBasis is { } basis ? WireNames<LawfulBasis>.Of(basis) : null,
        ChangedAt,
        UpdatedAt);
}

/// <summary>
/// One change of a person's consent on a channel, kept for good (append-only) as the proof of who
/// recorded what and when; rows go only with the person.
/// </summary>
public sealed class ConsentChange : IEntity, ITenantOwned
{
    private ConsentChange()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid PersonId { get; private set; }

    public ConsentChannel Channel { get; private set; }

    public ConsentStatus Status { get; private set; }

    public string Source { get; private set; } = "";

    public LawfulBasis? LawfulBasis { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    public string? ChangedBy { get; private set; }

    /// <summary>When contacts recorded the change.</summary>
    public DateTimeOffset RecordedAt { get; private set; }

    internal static ConsentChange Of(PersonConsent consent) => new()
    {
        Id = Ids.New(),
        TenantId = consent.TenantId,
        PersonId = consent.PersonId,
        Channel = consent.Channel,
        Status = consent.Details.Status,
        Source = consent.Details.Source,
        LawfulBasis = consent.Details.LawfulBasis,
        ChangedAt = consent.ChangedAt,
        ChangedBy = consent.ChangedBy,
        RecordedAt = consent.UpdatedAt,
    };
}

/// <summary>What a caller says about a consent; validated by <see cref="ConsentRequests"/>. Equal terms are no change.</summary>
public sealed record ConsentTerms(ConsentStatus Status, string Source, LawfulBasis? LawfulBasis);

/// <summary>The ways the tenant may contact a person, each with its own consent.</summary>
public enum ConsentChannel
{
    [JsonStringEnumMemberName("email")]
    Email,

    [JsonStringEnumMemberName("sms")]
    Sms,

    [JsonStringEnumMemberName("phone")]
    Phone,
}

public enum ConsentStatus
{
    [JsonStringEnumMemberName("opted-in")]
    OptedIn,

    [JsonStringEnumMemberName("opted-out")]
    OptedOut,
}

/// <summary>The GDPR Article 6 ground the tenant relies on to contact the person.</summary>
public enum LawfulBasis
{
    [JsonStringEnumMemberName("consent")]
    Consent,

    [JsonStringEnumMemberName("contract")]
    Contract,

    [JsonStringEnumMemberName("legitimate-interest")]
    LegitimateInterest,

    [JsonStringEnumMemberName("legal-obligation")]
    LegalObligation,
}
