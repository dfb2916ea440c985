using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CrmCloud.Platform.Data;

/// <summary>
/// A value kept as one <c>jsonb</c> column: camelCase members, nulls left out, enumerations by their wire
/// names. For a nested optional object (an address) or a list of small records (a person's emails), where
/// EF Core's complex types would need a discriminator column or cannot go at all.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "JsonColumn<T>.Converter names the stored type once, where it is mapped.")]
public static class JsonColumn<T>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static readonly ValueConverter<T, string> Converter = new(
        value => JsonSerializer.Serialize(value, Json),
        json => JsonSerializer.Deserialize<T>(json, Json)!);

    /// <summary>Compares by the stored JSON, so a list replaced by an equal one is no change.</summary>
    public static readonly ValueComparer<T> Comparer = new(
        (left, right) => JsonSerializer.Serialize(left, Json) == JsonSerializer.Serialize(right, Json),
        value => JsonSerializer.Serialize(value, Json).GetHashCode(StringComparison.Ordinal),
        value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, Json), Json)!);
}
