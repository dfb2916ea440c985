using System.Net.Mail;
using CrmCloud.Platform.Data;

namespace CrmCloud.Platform.Api;

/// <summary>
/// Collects validation errors by field name, in the shape of RFC 9457 validation problems
/// (<c>errors: { field: [messages] }</c>), with the checks every resource uses.
/// </summary>
public sealed class FieldErrors
{
    /// <summary>How many tags a resource may carry.</summary>
    public const int MaxTags = 50;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public FieldErrors()
    {
    }

    /// <summary>Starts from errors found already, such as a page query's.</summary>
    public FieldErrors(IReadOnlyDictionary<string, string[]> found)
    {
        foreach (var (field, messages) in found)
        {
            _errors[field] = [.. messages];
        }
    }

    public bool IsEmpty => _errors.Count == 0;

    /// <summary>The enum member <paramref name="value"/> names on the wire (null when absent), or null and an error listing the names.</summary>
    public TEnum? OneOf<TEnum>(string field, string? value)
        where TEnum : struct, Enum
    {
        if (value is null)
        {
            return null;
        }

        if (WireNames<TEnum>.TryParse(value, out var parsed))
        {
            return parsed;
        }

        Add(field, $"One of: {string.Join(", ", WireNames<TEnum>.All)}.");
        return null;
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    /// <summary>Returns the trimmed text, or null and an error when it is blank or too long.</summary>
    public string? Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "This field is required.");
            return null;
        }

        return Optional(field, value, maxLength);
    }

    /// <summary>Returns the trimmed text (null when blank), with an error when it is too long.</summary>
    public string? Optional(string field, string? value, int maxLength)
    {
        var trimmed = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (trimmed?.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }

        return trimmed;
    }

    public string? Email(string field, string? value)
    {
        var email = Optional(field, value, 254);
        if (email is not null && !(MailAddress.TryCreate(email, out var address) && address.Address == email && address.Host.Contains('.', StringComparison.Ordinal)))
        {
            Add(field, "This is not a valid email address.");
        }

        return email;
    }

    public string? Phone(string field, string? value)
    {
        var phone = Optional(field, value, 32);
        if (phone is not null && !phone.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.'))
        {
            Add(field, "A phone number holds digits, spaces and + - ( ) . only.");
        }

        return phone;
    }

    /// <summary>A host name such as <c>example.com</c>: two or more RFC 1123 labels, returned lower-cased.</summary>
    public string? HostName(string field, string? value)
    {
        var host = Optional(field, value, 253)?.ToLowerInvariant();
        if (host is not null && !IsHostName(host))
        {
            Add(field, "This is not a valid host name such as example.com.");
        }

        return host;
    }

    /// <summary>An ISO 3166-1 alpha-2 country code (<c>GB</c>, <c>US</c>), returned upper-case.</summary>
    public string? CountryCode(string field, string? value)
    {
        var code = string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToUpperInvariant();
        if (code is not null && !CountryCodes.IsAssigned(code))
        {
            Add(field, "This is not an ISO 3166-1 alpha-2 country code such as GB or US.");
        }

        return code;
    }

    /// <summary>
    /// A BCP 47 language tag such as <c>en</c>, <c>en-GB</c> or <c>zh-Hant-TW</c>, returned in its
    /// conventional case (language lower, script title, region upper).
    /// </summary>
    public string? LanguageTag(string field, string? value)
    {
        var tag = Optional(field, value, 35);
        if (tag is null)
        {
            return null;
        }

        var subtags = tag.Split('-');
        if (subtags[0].Length is < 2 or > 3 || !subtags[0].All(char.IsAsciiLetter)
            || subtags.Skip(1).Any(subtag => subtag.Length is < 1 or > 8 || !subtag.All(char.IsAsciiLetterOrDigit)))
        {
            Add(field, "This is not a language tag such as en or en-GB.");
            return tag;
        }

        return string.Join('-', subtags.Select((subtag, index) => index switch
        {
            0 => subtag.ToLowerInvariant(),
            _ when subtag.Length == 2 && subtag.All(char.IsAsciiLetter) => subtag.ToUpperInvariant(),
            _ when subtag.Length == 4 && subtag.All(char.IsAsciiLetter) => char.ToUpperInvariant(subtag[0]) + subtag[1..].ToLowerInvariant(),
            _ => subtag.ToLowerInvariant(),
        }));
    }

    /// <summary>
    /// Tags trimmed, each 1 to <paramref name="maxLength"/> characters, duplicates (ignoring case) removed
    /// keeping the first, at most <paramref name="maxCount"/> of them. A bad tag is named by its index.
    /// </summary>
    public string[] Tags(string field, IEnumerable<string?>? values, int maxCount = MaxTags, int maxLength = 50)
    {
        var tags = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var value in values ?? [])
        {
            var tag = value?.Trim();
            if (string.IsNullOrEmpty(tag))
            {
                Add($"{field}[{index}]", "A tag must not be blank.");
            }
            else if (tag.Length > maxLength)
            {
                Add($"{field}[{index}]", $"At most {maxLength} characters.");
            }
            else if (seen.Add(tag))
            {
                tags.Add(tag);
            }

            index++;
        }

        if (tags.Count > maxCount)
        {
            Add(field, $"At most {maxCount} tags.");
        }

        return [.. tags];
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);

    private static bool IsHostName(string host)
    {
        var labels = host.Split('.');
        return labels.Length >= 2
            && labels.All(label => label.Length is >= 1 and <= 63
                && label[0] != '-' && label[^1] != '-'
                && label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            && !labels[^1].All(char.IsAsciiDigit);
    }
}
