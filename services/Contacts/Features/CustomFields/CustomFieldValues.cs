using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace CrmCloud.Contacts.Features.CustomFields;

/// <summary>
/// The custom field values of one person or company, by key, each already checked against its definition
/// (<see cref="CustomFieldSchema"/>). Immutable and compared by value, so a patch that changes nothing keeps the
/// record's version. Stored as one jsonb object per row (<see cref="CustomFieldColumns"/>), the same object the API
/// shows under <c>customFields</c> and the events carry.
/// </summary>
[SuppressMessage("Naming", "CA1710", Justification = "Named for what it holds in the API, customFields; a dictionary only by shape.")]
public sealed class CustomFieldValues : IReadOnlyDictionary<string, JsonElement>, IEquatable<CustomFieldValues>
{
    public static readonly CustomFieldValues None = new(ImmutableSortedDictionary.Create<string, JsonElement>(StringComparer.Ordinal));

    private readonly ImmutableSortedDictionary<string, JsonElement> _values;

    private CustomFieldValues(ImmutableSortedDictionary<string, JsonElement> values) => _values = values;

    public int Count => _values.Count;

    public IEnumerable<string> Keys => _values.Keys;

    public IEnumerable<JsonElement> Values => _values.Values;

    public JsonElement this[string key] => _values[key];

    /// <summary>These values with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public CustomFieldValues With(string key, JsonElement value) => new(_values.SetItem(key, value));

    /// <summary>These values without <paramref name="key"/>.</summary>
    public CustomFieldValues Without(string key) => _values.ContainsKey(key) ? new(_values.Remove(key)) : this;

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonElement value) => _values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public string ToJson() => JsonSerializer.Serialize(_values);

    public static CustomFieldValues FromJson(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) is { Count: > 0 } values
            ? new(values.ToImmutableSortedDictionary(StringComparer.Ordinal))
            : None;

    /// <summary>Equal when both hold the same keys with the same JSON values (numbers by their value).</summary>
    public bool Equals(CustomFieldValues? other) =>
        other is not null
        && Count == other.Count
        && _values.All(pair => other.TryGetValue(pair.Key, out var value) && JsonElement.DeepEquals(pair.Value, value));

    public override bool Equals(object? obj) => Equals(obj as CustomFieldValues);

    public override int GetHashCode() => HashCode.Combine(Count, _values.Keys.FirstOrDefault());
}
