using System.Text.Json;

namespace CrmCloud.Platform.Api;

/// <summary>
/// A JSON merge patch (RFC 7396) body read field by field: an absent member leaves the field as it is,
/// <c>null</c> clears it, a value replaces it. Members that are not patchable are reported by name.
/// </summary>
public sealed class MergePatch
{
    private readonly Dictionary<string, JsonElement> _members;

    private MergePatch(Dictionary<string, JsonElement> members) => _members = members;

    public static MergePatch? Read(JsonElement body, IReadOnlySet<string> patchable, FieldErrors errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "A merge patch is a JSON object.");
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
                errors.Add(member.Name, "This field cannot be changed, or does not exist.");
            }
        }

        return new MergePatch(members);
    }

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
                errors.Add(field, "Expected a string or null.");
                return current;
        }
    }
}
