using System.Net.Mail;

namespace CrmCloud.Platform.Api;

/// <summary>
/// Collects validation errors by field name, in the shape of RFC 9457 validation problems
/// (<c>errors: { field: [messages] }</c>), with the checks every resource uses.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

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

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
}
