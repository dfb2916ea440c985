using System.Text.Json.Serialization;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.CustomFields;

/// <summary>
/// A field the tenant adds to its people or its companies: values are stored on the record under
/// <see cref="Key"/> and checked against <see cref="Type"/>. What the field is for (<see cref="Entity"/>), its key
/// and its type are set when it is defined and stay, so that stored values keep meaning what they meant; the rest
/// changes through <see cref="VersionedResource{TDetails}.Change"/>.
/// </summary>
public sealed class CustomFieldDefinition : VersionedResource<CustomFieldDetails>
{
    private CustomFieldDefinition()
    {
    }

    public CustomFieldEntity Entity { get; private set; }

    /// <summary>The field's name in the API: the property under <c>customFields</c> and in filters.</summary>
    public string Key { get; private set; } = "";

    public CustomFieldType Type { get; private set; }

    public static CustomFieldDefinition Create(
        string tenantId, Guid id, CustomFieldEntity entity, string key, CustomFieldType type, CustomFieldDetails details, DateTimeOffset now)
    {
        var created = new CustomFieldDefinition { Entity = entity, Key = key, Type = type };
        created.Initialize(tenantId, id, details, now);
        return created;
    }
}

/// <summary>
/// What may change about a custom field. <see cref="Options"/> are the values a choice field allows, in the
/// order callers gave them; every other type has none.
/// </summary>
public sealed record CustomFieldDetails(string Label, string? Description, bool Required, string[] Options)
{
    /// <summary>Equal when every field is, options compared in order (an array alone compares by reference).</summary>
    public bool Equals(CustomFieldDetails? other) =>
        other is not null
        && Label == other.Label
        && Description == other.Description
        && Required == other.Required
        && Options.SequenceEqual(other.Options, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Label, Description, Required, Options.Length);
}

/// <summary>What a custom field belongs to.</summary>
public enum CustomFieldEntity
{
    [JsonStringEnumMemberName("person")]
    Person,

    [JsonStringEnumMemberName("company")]
    Company,
}

/// <summary>The kind of value a custom field holds, and so how it is validated and filtered.</summary>
public enum CustomFieldType
{
    /// <summary>A string of up to <see cref="CustomFieldRules.TextLength"/> characters.</summary>
    [JsonStringEnumMemberName("text")]
    Text,

    /// <summary>A JSON number within ±<see cref="CustomFieldRules.NumberLimit"/>.</summary>
    [JsonStringEnumMemberName("number")]
    Number,

    /// <summary>A date without time, <c>YYYY-MM-DD</c>.</summary>
    [JsonStringEnumMemberName("date")]
    Date,

    [JsonStringEnumMemberName("boolean")]
    Boolean,

    /// <summary>One of the field's options.</summary>
    [JsonStringEnumMemberName("choice")]
    Choice,
}
