using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CrmCloud.Platform.Data;

/// <summary>
/// The names an enumeration has in the API (its <see cref="JsonStringEnumMemberNameAttribute"/>), also used
/// in the database and in events, so that all three spell a value the same way.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "WireNames<T>.Of(value) names the enumeration once, where it is used.")]
public static class WireNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly Dictionary<TEnum, string> Names = Enum.GetValues<TEnum>().ToDictionary(
        value => value,
        value => typeof(TEnum).GetField(value.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
            ?? throw new InvalidOperationException($"{typeof(TEnum).Name}.{value} has no wire name."));

    private static readonly Dictionary<string, TEnum> Values = Names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>Stores the value as its wire name.</summary>
    public static readonly ValueConverter<TEnum, string> Converter = new(value => Of(value), name => Parse(name));

    public static string Of(TEnum value) => Names[value];

    /// <summary>Every wire name, for messages that list what is allowed.</summary>
    public static IEnumerable<string> All => Names.Values;

    public static bool TryParse(string name, out TEnum value) => Values.TryGetValue(name, out value);

    public static TEnum Parse(string name) =>
        Values.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"'{name}' is not a {typeof(TEnum).Name}.");
}
