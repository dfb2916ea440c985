using System.Globalization;
using System.Text.Json;
using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.CustomFields;

/// <summary>
/// What a value of each type of custom field may be, in a body and in a filter. Values are kept in one canonical
/// form (text trimmed, numbers without trailing zeros, a choice spelled as its option), so that equal values
/// compare equal in code and in the database.
/// </summary>
public static class CustomFieldRules
{
    public const int TextLength = 1000;

    /// <summary>Numbers stay strictly within ±10^15, so every consumer (JavaScript too) reads them exactly enough.</summary>
    public const decimal NumberLimit = 1_000_000_000_000_000m;

    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>
    /// The canonical value of <paramref name="value"/> for <paramref name="definition"/>, or null: with an error
    /// naming <paramref name="field"/> when it is not valid, without one when it is blank text (which is no value).
    /// </summary>
    public static JsonElement? Value(CustomFieldDefinition definition, JsonElement value, string field, FieldErrors errors)
    {
        switch (definition.Type, value.ValueKind)
        {
            case (CustomFieldType.Text, JsonValueKind.String):
                var text = errors.Optional(field, value.GetString(), TextLength);
                return text is null || text.Length > TextLength ? null : JsonSerializer.SerializeToElement(text);
            case (CustomFieldType.Number, JsonValueKind.Number):
                if (value.TryGetDecimal(out var number) && Math.Abs(number) < NumberLimit)
                {
                    return JsonSerializer.SerializeToElement(Canonical(number));
                }

                errors.Add(field, $"A number between -{NumberLimit:0} and {NumberLimit:0}, exclusive.");
                return null;
            case (CustomFieldType.Date, JsonValueKind.String):
                return Date(value.GetString()!, field, errors) is { } date ? JsonSerializer.SerializeToElement(date) : null;
            case (CustomFieldType.Boolean, JsonValueKind.True or JsonValueKind.False):
                return value.Clone();
            case (CustomFieldType.Choice, JsonValueKind.String):
                return Choice(definition, value.GetString()!, field, errors) is { } option ? JsonSerializer.SerializeToElement(option) : null;
            default:
                errors.Add(field, Expected(definition));
                return null;
        }
    }

    /// <summary>A number as a filter gives it, in invariant notation (<c>12.5</c>, <c>-3</c>).</summary>
    public static decimal? Number(string text, string field, FieldErrors errors)
    {
        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            && Math.Abs(number) < NumberLimit)
        {
            return Canonical(number);
        }

        errors.Add(field, $"A number between -{NumberLimit:0} and {NumberLimit:0}, exclusive, such as 12.5.");
        return null;
    }

    /// <summary>A date <c>YYYY-MM-DD</c>, returned as it is stored (the same text).</summary>
    public static string? Date(string text, string field, FieldErrors errors)
    {
        if (text.Length == DateFormat.Length
            && DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date.ToString(DateFormat, CultureInfo.InvariantCulture);
        }

        errors.Add(field, "A date YYYY-MM-DD.");
        return null;
    }

    /// <summary>The option <paramref name="text"/> names, ignoring case, spelled as the field defines it.</summary>
    public static string? Choice(CustomFieldDefinition definition, string text, string field, FieldErrors errors)
    {
        var option = definition.Details.Options.FirstOrDefault(option => string.Equals(option, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (option is null)
        {
            errors.Add(field, $"One of: {string.Join(", ", definition.Details.Options)}.");
        }

        return option;
    }

    public static string Expected(CustomFieldDefinition definition) => definition.Type switch
    {
        CustomFieldType.Text => "Expected a string.",
        CustomFieldType.Number => "Expected a number.",
        CustomFieldType.Date => "Expected a date YYYY-MM-DD as a string.",
        CustomFieldType.Boolean => "Expected true or false.",
        _ => $"Expected one of: {string.Join(", ", definition.Details.Options)}.",
    };

    /// <summary>The same number without trailing zeros: 12.50 becomes 12.5.</summary>
    private static decimal Canonical(decimal number) => number / 1.0000000000000000000000000000m;
}
