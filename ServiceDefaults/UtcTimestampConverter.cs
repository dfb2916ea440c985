using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrmCloud.ServiceDefaults;

/// <summary>Times leave the API in ISO 8601 UTC with a <c>Z</c> (api.md); offsets given by callers are honoured on the way in.</summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
}
