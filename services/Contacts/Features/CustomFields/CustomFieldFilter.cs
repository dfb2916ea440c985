using System.Linq.Expressions;
using System.Text.Json;
using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.CustomFields;

/// <summary>
/// <c>?customFields.&lt;key&gt;=value</c> on the lists of people and companies: equality for every type (all of them
/// together one jsonb containment, <c>custom_fields @&gt; {...}</c>, which the GIN index answers), and inclusive
/// ranges for numbers and dates with <c>customFields.&lt;key&gt;.min</c> and <c>.max</c>. Every filter must hold. Applied
/// to a list's query before its keyset paging, so any list or export of people or companies can share it.
/// </summary>
public sealed class CustomFieldFilter
{
    public const string Prefix = CustomFieldSchema.Property + ".";

    public const string Description =
        "Filter by custom field with customFields.<key>=<value> (equality; every type: text exactly, number, date YYYY-MM-DD, "
        + "true or false, a choice's option ignoring case) and, for number and date fields, inclusive ranges with "
        + "customFields.<key>.min= and customFields.<key>.max=. Every filter must hold; pass the same filters with cursor. "
        + "An unknown key, a suffix other than min or max, a range on another type, a repeated parameter or a value not of the "
        + "field's type is a 400 naming the parameter.";

    private const string Min = "min";
    private const string Max = "max";

    private static readonly CustomFieldFilter None = new(CustomFieldValues.None, [], []);

    private readonly CustomFieldValues _equal;
    private readonly List<(string Key, decimal? Min, decimal? Max)> _numbers;
    private readonly List<(string Key, string? Min, string? Max)> _dates;

    private CustomFieldFilter(CustomFieldValues equal, List<(string, decimal?, decimal?)> numbers, List<(string, string?, string?)> dates)
    {
        _equal = equal;
        _numbers = numbers;
        _dates = dates;
    }

    /// <summary>True when the query names any custom field filter.</summary>
    public static bool IsRequested(IQueryCollection query) =>
        query.Keys.Any(name => name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds an error for each custom field filter: they apply to the list, not to a ranked <c>?q=</c> search.</summary>
    public static void RefuseWithSearch(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        foreach (var name in query.Keys.Where(name => name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)))
        {
            errors[name] = ["Custom field filters apply to the list; they cannot be combined with q."];
        }
    }

    /// <summary>
    /// The filters the query names for <paramref name="entity"/>, reading the tenant's fields only when there are
    /// any; errors name the parameter (<c>customFields.score.min</c>).
    /// </summary>
    public static async Task<CustomFieldFilter> ReadAsync(
        ContactsDb db, CustomFieldEntity entity, IQueryCollection query, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (!IsRequested(query))
        {
            return None;
        }

        var schema = await CustomFieldSchema.LoadAsync(db, entity, cancellationToken);
        var fieldErrors = new FieldErrors();
        var equal = CustomFieldValues.None;
        var numbers = new Dictionary<string, (decimal? Min, decimal? Max)>(StringComparer.Ordinal);
        var dates = new Dictionary<string, (string? Min, string? Max)>(StringComparer.Ordinal);
        foreach (var (name, values) in query.Where(parameter => parameter.Key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)))
        {
            var parts = name[Prefix.Length..].Split('.');
            var bound = parts.Length == 2 ? parts[1] : null;
            if (schema.Find(parts[0]) is not { } field)
            {
                fieldErrors.Add(name, $"There is no custom field '{parts[0]}' to filter by.");
            }
            else if (parts.Length > 2 || (bound is not null && bound is not (Min or Max)))
            {
                fieldErrors.Add(name, $"Filter by {Prefix}{field.Key}, or a range with {Prefix}{field.Key}.{Min} and .{Max}.");
            }
            else if (bound is not null && field.Type is not (CustomFieldType.Number or CustomFieldType.Date))
            {
                fieldErrors.Add(name, "Only number and date fields have ranges.");
            }
            else if (values is not [{ } value] || string.IsNullOrWhiteSpace(value))
            {
                fieldErrors.Add(name, "Give exactly one value, not blank.");
            }
            else if (bound is null)
            {
                equal = Equality(field, value, name, fieldErrors) is { } canonical ? equal.With(field.Key, canonical) : equal;
            }
            else if (field.Type == CustomFieldType.Number && CustomFieldRules.Number(value, name, fieldErrors) is { } number)
            {
                var range = numbers.GetValueOrDefault(field.Key);
                numbers[field.Key] = bound == Min ? range with { Min = number } : range with { Max = number };
            }
            else if (field.Type == CustomFieldType.Date && CustomFieldRules.Date(value, name, fieldErrors) is { } date)
            {
                var range = dates.GetValueOrDefault(field.Key);
                dates[field.Key] = bound == Min ? range with { Min = date } : range with { Max = date };
            }
        }

        foreach (var (key, error) in numbers.Where(r => r.Value.Min > r.Value.Max).Select(r => (r.Key, "min is above max."))
            .Concat(dates.Where(r => r.Value is { Min: { } min, Max: { } max } && string.CompareOrdinal(min, max) > 0).Select(r => (r.Key, "min is after max."))))
        {
            fieldErrors.Add($"{Prefix}{key}.{Min}", error);
        }

        foreach (var (name, messages) in fieldErrors.ToDictionary())
        {
            errors[name] = messages;
        }

        return new CustomFieldFilter(
            equal,
            [.. numbers.Select(r => (r.Key, r.Value.Min, r.Value.Max))],
            [.. dates.Select(r => (r.Key, r.Value.Min, r.Value.Max))]);
    }

    public IQueryable<Person> ApplyTo(IQueryable<Person> people) => Apply(people, p => p.Details.CustomFields);

    public IQueryable<Company> ApplyTo(IQueryable<Company> companies) => Apply(companies, c => c.Details.CustomFields);

    private IQueryable<T> Apply<T>(IQueryable<T> query, Expression<Func<T, CustomFieldValues>> values)
    {
        if (_equal.Count > 0)
        {
            // As JSON text: the parameter is sent as jsonb, the column's own conversion does not apply to it.
            var contained = _equal.ToJson();
            query = query.Where(On(values, v => EF.Functions.JsonContains(v, contained)));
        }

        foreach (var (key, min, max) in _numbers)
        {
            query = query.Where(On(values, v => CustomFieldColumns.NumberWithin(v, key, min, max)));
        }

        foreach (var (key, min, max) in _dates)
        {
            query = query.Where(On(values, v => CustomFieldColumns.DateWithin(v, key, min, max)));
        }

        return query;
    }

    /// <summary>The value a filter compares for equality: as a body gives it, read from the parameter's text.</summary>
    private static JsonElement? Equality(CustomFieldDefinition field, string value, string name, FieldErrors errors)
    {
        switch (field.Type)
        {
            case CustomFieldType.Number:
                return CustomFieldRules.Number(value, name, errors) is { } number ? JsonSerializer.SerializeToElement(number) : null;
            case CustomFieldType.Boolean when value is "true" or "false":
                return JsonSerializer.SerializeToElement(value == "true");
            case CustomFieldType.Boolean:
                errors.Add(name, "true or false.");
                return null;
            default:
                return CustomFieldRules.Value(field, JsonSerializer.SerializeToElement(value), name, errors);
        }
    }

    /// <summary><paramref name="predicate"/> over a record's values, as a predicate over the record.</summary>
    private static Expression<Func<T, bool>> On<T>(Expression<Func<T, CustomFieldValues>> values, Expression<Func<CustomFieldValues, bool>> predicate) =>
        Expression.Lambda<Func<T, bool>>(new Substitution(predicate.Parameters[0], values.Body).Visit(predicate.Body), values.Parameters);

    private sealed class Substitution(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}
