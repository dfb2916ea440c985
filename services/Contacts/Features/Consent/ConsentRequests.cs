using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.Consent;

/// <summary>
/// A person's consent on one channel, as it is now. <c>changedAt</c> is when the person gave or withdrew it
/// (now when omitted); <c>lawfulBasis</c> is required when opting in.
/// </summary>
public sealed record SetConsentRequest(ConsentStatus? Status, string? Source, LawfulBasis? LawfulBasis, DateTimeOffset? ChangedAt);

public sealed record ConsentResponse(
    ConsentChannel Channel,
    ConsentStatus Status,
    DateTimeOffset ChangedAt,
    string Source,
    LawfulBasis? LawfulBasis,
    string? ChangedBy,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static ConsentResponse From(PersonConsent consent) => new(
        consent.Channel,
        consent.Details.Status,
        consent.ChangedAt,
        consent.Details.Source,
        consent.Details.LawfulBasis,
        consent.ChangedBy,
        consent.UpdatedAt,
        consent.Version);
}

/// <summary>The channels a consent was ever recorded for; a channel never set is absent.</summary>
public sealed record ConsentsResponse(IReadOnlyList<ConsentResponse> Items);

public sealed record ConsentChangeResponse(
    Guid Id,
    ConsentChannel Channel,
    ConsentStatus Status,
    DateTimeOffset ChangedAt,
    string Source,
    LawfulBasis? LawfulBasis,
    string? ChangedBy,
    DateTimeOffset RecordedAt)
{
    public static ConsentChangeResponse From(ConsentChange change) => new(
        change.Id,
        change.Channel,
        change.Status,
        change.ChangedAt,
        change.Source,
        change.LawfulBasis,
        change.ChangedBy,
        change.RecordedAt);
}

/// <summary>The rules a consent change follows, and the channel names of the API.</summary>
public static class ConsentRequests
{
    public const int SourceLength = 100;

    /// <summary>Room for any token's <c>sub</c> (OIDC allows 255 characters).</summary>
    public const int SubjectLength = 255;

    /// <summary>The channel named <paramref name="name"/> in the API (<c>email</c>, <c>sms</c>, <c>phone</c>), or null.</summary>
    public static ConsentChannel? Channel(string? name) =>
        Enum.GetValues<ConsentChannel>().Cast<ConsentChannel?>().FirstOrDefault(channel => WireNames<ConsentChannel>.Of(channel!.Value) == name);

    public static string ChannelNames => string.Join(", ", Enum.GetValues<ConsentChannel>().Select(WireNames<ConsentChannel>.Of));

    /// <summary>
    /// The terms and the time of the change (<paramref name="now"/>, already <see cref="Timestamps.Stored"/>, when none is given),
    /// or null with the errors.
    /// </summary>
    public static (ConsentTerms Terms, DateTimeOffset ChangedAt)? Validate(this SetConsentRequest request, DateTimeOffset now, FieldErrors errors)
    {
        if (request.Status is null)
        {
            errors.Add("status", "This field is required: opted-in or opted-out.");
        }

        var source = errors.Required("source", request.Source, SourceLength);
        if (request.Status == ConsentStatus.OptedIn && request.LawfulBasis is null)
        {
            errors.Add("lawfulBasis", "Required when opting in: consent, contract, legitimate-interest or legal-obligation.");
        }

        var changedAt = request.ChangedAt is { } stated ? Timestamps.Stored(stated.ToUniversalTime()) : now;
        if (changedAt > now)
        {
            errors.Add("changedAt", "The time of the change must not be in the future.");
        }

        return errors.IsEmpty ? (new ConsentTerms(request.Status!.Value, source!, request.LawfulBasis), changedAt) : null;
    }


    /// <summary>
    /// Adds an error naming <c>changedAt</c> when it is earlier than the current consent's: a late-recorded older
    /// change must not replace a newer one (a withdrawal must never be undone by an old opt-in).
    /// </summary>
    public static void RequireNotBefore(this PersonConsent current, DateTimeOffset changedAt, FieldErrors errors)
    {
        if (changedAt < current.ChangedAt)
        {
            errors.Add("changedAt", $"The current consent on this channel changed later, at {current.ChangedAt.UtcDateTime:O}.");
        }
    }
}
