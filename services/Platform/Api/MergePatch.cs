using System.Text.Json;

namespace CrmCloud.Platform.Api;

/// <summary>
/// A JSON merge patch (RFC 7396) body read field by field: an absent member leaves the field as it is,
/// <c>null</c> clears it, a value replaces it, and an object patches a nested object member by member.
/// Members that are not patchable are reported by name (<c>address.country</c> for a nested one).
/// </summary>
public sealed class MergePatch
{
    private readonly Dictionary<string, JsonElement> _members;
    private readonly string _prefix;

    private MergePatch(Dictionary<string, JsonElement> members, string prefix)
    {
        _members = members;
        _prefix = prefix;
    }

    public static MergePatch? Read(JsonElement body, IReadOnlySet<string> patchable, FieldErrors errors) =>
        Read(body, patchable, errors, prefix: "", name: "body");

    /// <summary>Whether the patch names <paramref name="field"/> at all (with a value or null).</summary>
    public bool Has(string field) => _members.ContainsKey(field);

    /// <summary>The patched text of <paramref name="field"/>, or <paramref name="current"/> when absent.</summary>
    public string? Text(string field, string? current, FieldErrors errors)
    {
        if (!_members.TryGetValue(field, out var value))
        {
            return current;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return value.GetString();
            default:
                errors.Add(Name(field), "Expected a string or null.");
                return current;
        }
    }

    /// <summary>
    /// The patched value of <paramref name="field"/> read as <typeparamref name="T"/> with the API's JSON
    /// <paramref name="options"/> (ids, enumerations, arrays), <c>default</c> for null, or
    /// <paramref name="current"/> when absent or unreadable (then with an error).
    /// </summary>
    public T? Value<T>(string field, T? current, JsonSerializerOptions options, FieldErrors errors)
    {
        if (!_members.TryGetValue(field, out var value))
        {
            return current;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return default;
        }

        try
        {
            return value.Deserialize<T>(options);
        }
        catch (JsonException)
        {
            errors.Add(Name(field), "The value is not valid for this field.");
            return current;
        }
    }

    /// <summary>
    /// The patched nested object <paramref name="field"/>: <paramref name="current"/> when absent, null when
    /// null, otherwise <paramref name="apply"/> called with the nested patch and the current value (which may
    /// be null, when the object is being set for the first time).
    /// </summary>
    public T? Nested<T>(string field, T? current, IReadOnlySet<string> patchable, Func<MergePatch, T?, T?> apply, FieldErrors errors)
        where T : class
    {
        if (!_members.TryGetValue(field, out var value))
        {
            return current;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var nested = Read(value, patchable, errors, prefix: Name(field) + ".", name: Name(field));
        return nested is null ? current : apply(nested, current);
    }

    private string Name(string field) => _prefix + field;

    private static MergePatch? Read(JsonElement body, IReadOnlySet<string> patchable, FieldErrors errors, string prefix, string name)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(name, prefix.Length == 0 ? "A merge patch is a JSON object." : "Expected an object or null.");
            return null;
        }

        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var member in body.EnumerateObject())
        {
            if (patchable.Contains(member.Name))
            {
                members[member.Name] = member.Value;
            }
            else
            {
                errors.Add(prefix + member.Name, "This field cannot be changed, or does not exist.");
            }
        }

        return new MergePatch(members, prefix);
    }
}
