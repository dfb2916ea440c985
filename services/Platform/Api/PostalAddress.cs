namespace CrmCloud.Platform.Api;

/// <summary>
/// A postal address as every resource takes it: each part optional, the country an ISO 3166-1 alpha-2
/// code. Used as the request, stored and response shape alike; <see cref="Validate"/> normalises it.
/// </summary>
public sealed record PostalAddress(string? Street, string? City, string? Region, string? PostalCode, string? Country)
{
    public const int StreetLength = 200;
    public const int CityLength = 100;
    public const int RegionLength = 100;
    public const int PostalCodeLength = 20;

    /// <summary>The members a merge patch may name inside an address.</summary>
    public static readonly IReadOnlySet<string> Patchable = new HashSet<string>(StringComparer.Ordinal) { "street", "city", "region", "postalCode", "country" };

    /// <summary>
    /// The address trimmed, with the country upper-cased; null when there is none or every part is blank.
    /// Errors name the part, prefixed with <paramref name="field"/> (<c>address.country</c>).
    /// </summary>
    public static PostalAddress? Validate(PostalAddress? address, string field, FieldErrors errors)
    {
        if (address is null)
        {
            return null;
        }

        var normalised = new PostalAddress(
            errors.Optional($"{field}.street", address.Street, StreetLength),
            errors.Optional($"{field}.city", address.City, CityLength),
            errors.Optional($"{field}.region", address.Region, RegionLength),
            errors.Optional($"{field}.postalCode", address.PostalCode, PostalCodeLength),
            errors.CountryCode($"{field}.country", address.Country));
        return normalised is { Street: null, City: null, Region: null, PostalCode: null, Country: null } ? null : normalised;
    }

    /// <summary>
    /// Applies a nested merge patch to <paramref name="current"/> (null when the address is new);
    /// pass the result through <see cref="Validate"/>.
    /// </summary>
    public static PostalAddress ApplyPatch(MergePatch patch, PostalAddress? current, FieldErrors errors) => new(
        patch.Text("street", current?.Street, errors),
        patch.Text("city", current?.City, errors),
        patch.Text("region", current?.Region, errors),
        patch.Text("postalCode", current?.PostalCode, errors),
        patch.Text("country", current?.Country, errors));
}
