using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrmCloud.ServiceDefaults;

/// <summary>
/// The counterpart of <see cref="StorableTextConverter"/> for free-form JSON (a segment's criteria, custom field values,
/// a merge patch read whole): a string anywhere inside holding U+0000 is refused, since jsonb and text cannot hold it.
/// </summary>
public sealed class StorableJsonConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = JsonElement.ParseValue(ref reader);
        if (PathToNul(element, "$") is { } path)
        {
            // A whole body (depth 0) names the member itself; a member's value is named by the serializer, as the member.
            throw reader.CurrentDepth == 0
                ? new JsonException("The text holds a NUL character (U+0000).", path, null, null)
                : new JsonException("The text holds a NUL character (U+0000).");
        }

        return element;
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

    private static string? PathToNul(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Contains('\0', StringComparison.Ordinal) ? path : null,
        JsonValueKind.Object => element.EnumerateObject()
            .Select(member => member.Name.Contains('\0', StringComparison.Ordinal) ? path : PathToNul(member.Value, $"{path}.{member.Name}"))
            .FirstOrDefault(found => found is not null),
        JsonValueKind.Array => element.EnumerateArray()
            .Select((item, index) => PathToNul(item, $"{path}[{index}]"))
            .FirstOrDefault(found => found is not null),
        _ => null,
    };
}
