using System.Text.Json;
using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.CustomFields;

/// <summary>
/// The tenant's custom fields for people or for companies, read once per request (a batch checks every item
/// against the same read), and the rules values follow on create and on patch. Errors name the value as
/// <c>customFields.&lt;key&gt;</c>.
/// </summary>
public sealed class CustomFieldSchema
{
    public const string Property = "customFields";

    private readonly Dictionary<string, CustomFieldDefinition> _fields;

    private CustomFieldSchema(CustomFieldEntity entity, IEnumerable<CustomFieldDefinition> fields)
    {
        Entity = entity;
        _fields = fields.ToDictionary(field => field.Key, StringComparer.Ordinal);
    }

    public CustomFieldEntity Entity { get; }

    public static async Task<CustomFieldSchema> LoadAsync(ContactsDb db, CustomFieldEntity entity, CancellationToken cancellationToken) =>
        new(entity, await db.CustomFields.AsNoTracking().Where(field => field.Entity == entity).ToListAsync(cancellationToken));

    /// <summary>Reads the tenant's fields and checks the values of one new record: see <see cref="Validate"/>.</summary>
    public static async Task<CustomFieldValues> ValidateAsync(
        ContactsDb db, CustomFieldEntity entity, IReadOnlyDictionary<string, JsonElement>? values, FieldErrors errors, CancellationToken cancellationToken) =>
        (await LoadAsync(db, entity, cancellationToken)).Validate(values, errors);

    public CustomFieldDefinition? Find(string key) => _fields.GetValueOrDefault(key);

    /// <summary>
    /// The values of a new record: each key must be a field of the tenant and each value valid for it; null (and
    /// blank text) is no value; every required field must have one.
    /// </summary>
    public CustomFieldValues Validate(IReadOnlyDictionary<string, JsonElement>? values, FieldErrors errors)
    {
        values ??= new Dictionary<string, JsonElement>();
        var valid = CustomFieldValues.None;
        foreach (var (key, value) in values)
        {
            var field = Find(key);
            if (field is null)
            {
                errors.Add(Name(key), Unknown(key));
            }
            else if (!IsEmpty(field, value) && CustomFieldRules.Value(field, value, Name(key), errors) is { } canonical)
            {
                valid = valid.With(key, canonical);
            }
        }

        foreach (var field in _fields.Values.Where(field => field.Details.Required))
        {
            // A value that was given but is invalid already has its error.
            if (!values.TryGetValue(field.Key, out var value) || IsEmpty(field, value))
            {
                errors.Add(Name(field.Key), "This field is required.");
            }
        }

        return valid;
    }

    /// <summary>
    /// <paramref name="current"/> with the <c>customFields</c> member of a merge patch applied key by key: an absent
    /// key stays, null removes it, a value replaces it; <c>"customFields": null</c> removes every value. A required
    /// field cannot be removed. A key whose field was deleted while a value was being written may be removed too.
    /// </summary>
    public static async Task<CustomFieldValues> PatchAsync(
        ContactsDb db, CustomFieldEntity entity, CustomFieldValues current, JsonElement patch, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (patch.ValueKind != JsonValueKind.Object || !patch.TryGetProperty(Property, out var member))
        {
            return current;
        }

        var schema = await LoadAsync(db, entity, cancellationToken);
        return member.ValueKind switch
        {
            JsonValueKind.Object => schema.Patch(current, member.EnumerateObject().Select(p => (p.Name, p.Value)), errors),
            JsonValueKind.Null => schema.Patch(current, current.Keys.Select(key => (key, default(JsonElement))), errors),
            _ => Invalid(current, errors),
        };
    }

    private CustomFieldValues Patch(CustomFieldValues current, IEnumerable<(string Key, JsonElement Value)> changes, FieldErrors errors)
    {
        var patched = current;
        foreach (var (key, value) in changes)
        {
            var field = Find(key);
            if (field is null && !(IsEmpty(null, value) && current.ContainsKey(key)))
            {
                errors.Add(Name(key), Unknown(key));
            }
            else if (IsEmpty(field, value))
            {
                if (field is { Details.Required: true })
                {
                    errors.Add(Name(key), "This field is required.");
                }

                patched = patched.Without(key);
            }
            else if (CustomFieldRules.Value(field!, value, Name(key), errors) is { } canonical)
            {
                patched = patched.With(key, canonical);
            }
        }

        return patched;
    }

    /// <summary>Null, absent, or blank text: no value, which removes the key.</summary>
    private static bool IsEmpty(CustomFieldDefinition? field, JsonElement value) =>
        value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined
        || (field?.Type == CustomFieldType.Text && value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString()));

    private string Unknown(string key) =>
        $"There is no custom field '{key}' for {(Entity == CustomFieldEntity.Person ? "people" : "companies")}.";

    private static CustomFieldValues Invalid(CustomFieldValues current, FieldErrors errors)
    {
        errors.Add(Property, "Expected an object or null.");
        return current;
    }

    private static string Name(string key) => $"{Property}.{key}";
}
