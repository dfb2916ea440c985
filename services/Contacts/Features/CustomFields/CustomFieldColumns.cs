using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CrmCloud.Contacts.Features.CustomFields;

/// <summary>
/// How custom field values live in the database: one jsonb column, <c>custom_fields</c>, on <c>people</c> and on
/// <c>companies</c>, an object keyed by field key (never a table per value), with a GIN index (the CustomFields
/// migration) for <c>@&gt;</c> containment and <c>?</c> key lookups. Ranges read the values through two SQL functions
/// of that migration, mapped here so that queries can call them.
/// </summary>
public static class CustomFieldColumns
{
    public const string Column = "custom_fields";

    private static readonly ValueConverter<CustomFieldValues, string> AsJson = new(
        values => values.ToJson(),
        json => CustomFieldValues.FromJson(json));

    /// <summary>Values are immutable and compared by value: a snapshot is the same instance.</summary>
    private static readonly ValueComparer<CustomFieldValues> ByValue = new(
        (left, right) => Equals(left, right),
        values => values.GetHashCode(),
        values => values);

    /// <summary>Maps a record's <c>CustomFields</c> to the <c>custom_fields</c> jsonb column.</summary>
    public static ComplexTypePropertyBuilder<CustomFieldValues> HasCustomFieldsColumn(this ComplexTypePropertyBuilder<CustomFieldValues> property) =>
        property.HasColumnName(Column).HasColumnType("jsonb").HasConversion(AsJson, ByValue).IsRequired();

    /// <summary>
    /// Declares <see cref="NumberWithin"/> and <see cref="DateWithin"/> in the model. Called from the definitions'
    /// configuration, so that everything custom fields need stays in this feature.
    /// </summary>
    public static void AddFunctions(IMutableModel model)
    {
        foreach (var (name, sqlName) in new[] { (nameof(NumberWithin), "custom_field_number_within"), (nameof(DateWithin), "custom_field_date_within") })
        {
            var function = model.AddDbFunction(typeof(CustomFieldColumns).GetMethod(name)!);
            function.Name = sqlName;
            function.Parameters.Single(parameter => parameter.Name == "values").StoreType = "jsonb";
        }
    }

    /// <summary>
    /// <c>custom_field_number_within(values, key, min, max)</c>: whether the number stored under <paramref name="key"/>
    /// lies within the inclusive bounds (a null bound is open). False when there is no number. Only in queries.
    /// </summary>
    public static bool NumberWithin(CustomFieldValues values, string key, decimal? min, decimal? max) =>
        throw new InvalidOperationException("Only for database queries.");

    /// <summary>
    /// <c>custom_field_date_within(values, key, min, max)</c>: whether the <c>YYYY-MM-DD</c> date stored under
    /// <paramref name="key"/> lies within the inclusive bounds (<c>YYYY-MM-DD</c>; a null bound is open). Dates of this
    /// fixed form compare as text, which never fails on a malformed value. False when there is no date. Only in queries.
    /// </summary>
    public static bool DateWithin(CustomFieldValues values, string key, string? min, string? max) =>
        throw new InvalidOperationException("Only for database queries.");
}
