using System.Text.Json;
using System.Text.Json.Nodes;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.Imports;

/// <summary>
/// Which CSV column fills which person field. The fields are the JSON names of <see cref="CreatePersonRequest"/>,
/// read from the API's own JSON contract, so a field added to people is mappable at once. A row becomes the JSON
/// object a caller would have sent, and is then validated exactly as one.
/// </summary>
public sealed class ImportMapping
{
    private readonly (int Index, string Field, Type Type)[] _columns;

    private ImportMapping((int Index, string Field, Type Type)[] columns) => _columns = columns;

    /// <summary>The mappable person fields and their types, by JSON name.</summary>
    public static IReadOnlyDictionary<string, Type> Fields(JsonSerializerOptions json) =>
        json.GetTypeInfo(typeof(CreatePersonRequest)).Properties
            .ToDictionary(property => property.Name, property => property.PropertyType, StringComparer.Ordinal);

    /// <summary>
    /// The mapping of <paramref name="header"/>'s columns, or null with errors naming <c>mapping</c>. Without a
    /// <paramref name="requested"/> mapping, columns named after a field (ignoring case, spaces, dashes and
    /// underscores: "First Name", "first_name") map to it and other columns are ignored.
    /// </summary>
    public static Dictionary<string, string>? Resolve(
        IReadOnlyList<string> header, IReadOnlyDictionary<string, string>? requested, JsonSerializerOptions json, FieldErrors errors)
    {
        const string Field = "mapping";
        var fields = Fields(json);
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        if (requested is null)
        {
            var byLooseName = fields.Keys.ToDictionary(Loose, StringComparer.Ordinal);
            foreach (var column in header)
            {
                if (byLooseName.TryGetValue(Loose(column), out var field))
                {
                    mapping[column] = field;
                }
            }

            if (mapping.Count == 0)
            {
                errors.Add(Field, $"No column is named after a person field ({string.Join(", ", fields.Keys)}): send a mapping.");
            }
        }
        else
        {
            foreach (var (column, field) in requested)
            {
                var present = header.FirstOrDefault(name => string.Equals(name, column.Trim(), StringComparison.OrdinalIgnoreCase));
                if (present is null)
                {
                    errors.Add(Field, $"The file has no column '{column}'.");
                }
                else if (!fields.ContainsKey(field))
                {
                    errors.Add(Field, $"'{field}' (for column '{column}') is not a person field; the fields are {string.Join(", ", fields.Keys)}.");
                }
                else
                {
                    mapping[present] = field;
                }
            }

            if (requested.Count == 0)
            {
                errors.Add(Field, "Map at least one column.");
            }
        }

        foreach (var repeated in mapping.GroupBy(pair => pair.Value).Where(group => group.Count() > 1))
        {
            errors.Add(Field, $"The field '{repeated.Key}' is mapped from more than one column.");
        }

        return errors.IsEmpty ? mapping : null;
    }

    /// <summary>The stored <paramref name="mapping"/> applied to the file's <paramref name="header"/>.</summary>
    public static ImportMapping For(IReadOnlyList<string> header, IReadOnlyDictionary<string, string> mapping, JsonSerializerOptions json)
    {
        var fields = Fields(json);
        var columns = new List<(int, string, Type)>();
        for (var index = 0; index < header.Count; index++)
        {
            if (mapping.TryGetValue(header[index], out var field) && fields.TryGetValue(field, out var type))
            {
                columns.Add((index, field, type));
            }
        }

        return new ImportMapping([.. columns]);
    }

    /// <summary>The row's non-blank mapped cells as the JSON object a caller would send.</summary>
    public JsonObject Read(ImportRow row)
    {
        var body = new JsonObject();
        foreach (var (index, field, type) in _columns)
        {
            if (index < row.Cells.Length && !string.IsNullOrWhiteSpace(row.Cells[index]))
            {
                body[field] = Cell(row.Cells[index], type);
            }
        }

        return body;
    }

    /// <summary>The row as a create request, or null with an error naming the field that could not be read.</summary>
    public static CreatePersonRequest? ToCreateRequest(JsonObject body, JsonSerializerOptions json, FieldErrors errors)
    {
        try
        {
            return body.Deserialize<CreatePersonRequest>(json);
        }
        catch (JsonException exception)
        {
            var field = exception.Path?.TrimStart('$').TrimStart('.');
            errors.Add(string.IsNullOrEmpty(field) ? "row" : field, "The value is not valid for this field.");
            return null;
        }
    }

    /// <summary>
    /// Text fields take the cell as it is; other fields read it as JSON where it is JSON (numbers, true, false,
    /// arrays) and as a JSON string otherwise (ids, dates, enumerations).
    /// </summary>
    private static JsonNode? Cell(string cell, Type type)
    {
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(string))
        {
            return JsonValue.Create(cell);
        }

        try
        {
            return JsonNode.Parse(cell);
        }
        catch (JsonException)
        {
            return JsonValue.Create(cell.Trim());
        }
    }

    private static string Loose(string name) => new([.. name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
}
