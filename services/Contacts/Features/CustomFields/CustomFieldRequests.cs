using System.Text.Json;
using System.Text.RegularExpressions;
using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.CustomFields;

/// <summary>
/// A custom field to define. <c>id</c> may be supplied by the caller for idempotent imports; <c>options</c> are for
/// choice fields only; <c>required</c> defaults to false.
/// </summary>
public sealed record CreateCustomFieldRequest(
    Guid? Id,
    CustomFieldEntity? Entity,
    string? Key,
    string? Label,
    CustomFieldType? Type,
    IReadOnlyList<string?>? Options = null,
    bool? Required = null,
    string? Description = null);

public sealed record CustomFieldResponse(
    Guid Id,
    CustomFieldEntity Entity,
    string Key,
    string Label,
    CustomFieldType Type,
    IReadOnlyList<string>? Options,
    bool Required,
    string? Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static CustomFieldResponse From(CustomFieldDefinition field) => new(
        field.Id,
        field.Entity,
        field.Key,
        field.Details.Label,
        field.Type,
        field.Type == CustomFieldType.Choice ? field.Details.Options : null,
        field.Details.Required,
        field.Details.Description,
        field.CreatedAt,
        field.UpdatedAt,
        field.Version);
}

/// <summary>The rules a custom field's definition follows, on create and on every patch.</summary>
public static partial class CustomFieldRequests
{
    public const int KeyLength = 40;
    public const int LabelLength = 100;
    public const int DescriptionLength = 500;
    public const int OptionLength = 100;
    public const int MaxOptions = 100;

    /// <summary>Only these change after a field is defined: entity, key and type stay, so stored values keep their meaning.</summary>
    private static readonly HashSet<string> Patchable = ["label", "description", "required", "options"];

    /// <summary>A lower-case letter, then letters, digits or underscores: safe in JSON, in query parameter names and in SQL.</summary>
    [GeneratedRegex("^[a-z][a-zA-Z0-9_]{0,39}$")]
    private static partial Regex KeyPattern();

    public static string Names<TEnum>()
        where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetValues<TEnum>().Select(Platform.Data.WireNames<TEnum>.Of));

    /// <summary>The new field's entity, key, type and details, or null with the errors.</summary>
    public static (CustomFieldEntity Entity, string Key, CustomFieldType Type, CustomFieldDetails Details)? Validate(
        this CreateCustomFieldRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        if (request.Entity is null)
        {
            errors.Add("entity", $"This field is required: one of {Names<CustomFieldEntity>()}.");
        }

        var key = request.Key?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            errors.Add("key", "This field is required.");
        }
        else if (!KeyPattern().IsMatch(key))
        {
            errors.Add("key", $"A lower-case letter, then up to {KeyLength - 1} letters, digits or underscores, such as renewalDate.");
        }

        if (request.Type is null)
        {
            errors.Add("type", $"This field is required: one of {Names<CustomFieldType>()}.");
        }

        var details = Normalise(request.Type, request.Label, request.Description, request.Required ?? false, request.Options, errors);
        return errors.IsEmpty ? (request.Entity!.Value, key!, request.Type!.Value, details) : null;
    }

    /// <summary>The patched details of a field of <paramref name="type"/>; options, when given, replace the old ones whole.</summary>
    public static CustomFieldDetails? ApplyPatch(this CustomFieldDetails current, CustomFieldType type, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        var details = Normalise(
            type,
            patch.Text("label", current.Label, errors),
            patch.Text("description", current.Description, errors),
            patch.Value("required", (bool?)current.Required, json, errors) ?? false,
            patch.Value<string?[]>("options", current.Options, json, errors),
            errors);
        return errors.IsEmpty ? details : null;
    }

    private static CustomFieldDetails Normalise(
        CustomFieldType? type, string? label, string? description, bool required, IReadOnlyList<string?>? options, FieldErrors errors) =>
        new(
            errors.Required("label", label, LabelLength) ?? "",
            errors.Optional("description", description, DescriptionLength),
            required,
            Options(type, options, errors));

    /// <summary>A choice field's options: trimmed, 1 to <see cref="MaxOptions"/> of them, unique ignoring case.</summary>
    private static string[] Options(CustomFieldType? type, IReadOnlyList<string?>? options, FieldErrors errors)
    {
        if (type != CustomFieldType.Choice)
        {
            if (options is { Count: > 0 })
            {
                errors.Add("options", "Only choice fields have options.");
            }

            return [];
        }

        if (options is not { Count: >= 1 and <= MaxOptions })
        {
            errors.Add("options", $"A choice field has between 1 and {MaxOptions} options.");
            return [];
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var valid = new List<string>();
        for (var index = 0; index < options.Count; index++)
        {
            var option = options[index]?.Trim();
            if (string.IsNullOrEmpty(option))
            {
                errors.Add($"options[{index}]", "An option must not be blank.");
            }
            else if (option.Length > OptionLength)
            {
                errors.Add($"options[{index}]", $"At most {OptionLength} characters.");
            }
            else if (!seen.Add(option))
            {
                errors.Add($"options[{index}]", "Options must be unique, ignoring case.");
            }
            else
            {
                valid.Add(option);
            }
        }

        return [.. valid];
    }
}
