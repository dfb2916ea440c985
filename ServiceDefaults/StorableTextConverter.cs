using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrmCloud.ServiceDefaults;

/// <summary>
/// Refuses a JSON string holding U+0000 as a malformed value of its field (a 400 naming it): PostgreSQL's text cannot
/// hold the NUL character, so such a value would otherwise be accepted here and fail at the database as a 500.
/// </summary>
public sealed class StorableTextConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Storable(ref reader);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Storable(ref reader);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    private static string Storable(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw new JsonException($"Expected a string, not {reader.TokenType}.");
        }

        var value = reader.GetString()!;
        return value.Contains('\0', StringComparison.Ordinal) ? throw new JsonException("The text holds a NUL character (U+0000).") : value;
    }
}
