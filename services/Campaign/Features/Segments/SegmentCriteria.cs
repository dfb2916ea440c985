using System.Globalization;
using System.Text;
using System.Text.Json;
using CrmCloud.Platform.Api;
using Npgsql;
using NpgsqlTypes;

namespace CrmCloud.Campaign.Features.Segments;

/// <summary>
/// A segment's criteria document, checked and translated to SQL in one pass. A group is <c>{ "all": [...] }</c> or
/// <c>{ "any": [...] }</c> of conditions and nested groups; a condition is <c>{ "field": ..., "operator": ..., ... }</c>.
/// Every value becomes a parameter: no caller's text is ever part of the SQL. Problems name the path of the bad part
/// (<c>criteria.all[1].any[0].values</c>).
/// </summary>
public sealed class SegmentCriteria
{
    public const int MaxDepth = 5;
    public const int MaxConditions = 50;
    public const int MaxValues = 100;

    /// <summary>The fields a condition may name, with their operators, for messages and documentation.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Operators = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["lifecycleStage"] = ["in", "notIn"],
        ["country"] = ["in", "notIn"],
        ["tags"] = ["hasAny", "hasAll", "hasNone"],
        ["age"] = ["between"],
        ["customField"] = ["eq", "neq", "gt", "gte", "lt", "lte", "exists", "notExists"],
        ["totalSpend"] = ["gt", "gte", "lt", "lte"],
        ["lastOrder"] = ["before", "after", "none"],
        ["openTickets"] = ["eq", "gt", "gte", "lt", "lte"],
        ["respondedTo"] = ["responded", "notResponded"],
    };

    private static readonly Dictionary<string, string> Comparisons = new(StringComparer.Ordinal)
    {
        ["eq"] = "=", ["neq"] = "<>", ["gt"] = ">", ["gte"] = ">=", ["lt"] = "<", ["lte"] = "<=",
    };

    private readonly StringBuilder _sql = new();
    private readonly List<NpgsqlParameter> _parameters = [];
    private readonly FieldErrors _errors;
    private readonly DateOnly _today;
    private int _conditions;

    private SegmentCriteria(FieldErrors errors, DateOnly today)
    {
        _errors = errors;
        _today = today;
    }

    /// <summary>The condition on audience member <c>m</c>, over <see cref="Parameters"/>.</summary>
    public string Sql => _sql.ToString();

    public IReadOnlyList<NpgsqlParameter> Parameters => _parameters;

    /// <returns>The translated criteria, or null with the problems in <paramref name="errors"/>.</returns>
    public static SegmentCriteria? Translate(JsonElement criteria, DateOnly today, FieldErrors errors, string path = "criteria")
    {
        var translated = new SegmentCriteria(errors, today);
        if (criteria.ValueKind != JsonValueKind.Object || !(criteria.TryGetProperty("all", out _) || criteria.TryGetProperty("any", out _)))
        {
            errors.Add(path, "Expected a group: an object with \"all\" or \"any\", a list of conditions and groups.");
            return null;
        }

        translated.Node(criteria, path, 1);
        return errors.IsEmpty ? translated : null;
    }

    private void Node(JsonElement node, string path, int depth)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            _errors.Add(path, "Expected a condition or a group (an object).");
            _sql.Append("FALSE");
            return;
        }

        var isAll = node.TryGetProperty("all", out var all);
        var isAny = node.TryGetProperty("any", out var any);
        if (isAll || isAny)
        {
            Group(isAll ? all : any, isAll, isAll && isAny, path + (isAll ? ".all" : ".any"), depth);
        }
        else
        {
            Condition(node, path);
        }
    }

    private void Group(JsonElement items, bool isAll, bool both, string path, int depth)
    {
        if (both)
        {
            _errors.Add(path, "A group has either \"all\" or \"any\", not both; nest one group in the other.");
        }

        if (depth > MaxDepth)
        {
            _errors.Add(path, $"Groups nest at most {MaxDepth} deep.");
            _sql.Append("FALSE");
            return;
        }

        if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
        {
            _errors.Add(path, "Expected a non-empty list of conditions and groups.");
            _sql.Append("FALSE");
            return;
        }

        _sql.Append('(');
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (index > 0)
            {
                _sql.Append(isAll ? " AND " : " OR ");
            }

            Node(item, $"{path}[{index}]", depth + 1);
            index++;
        }

        _sql.Append(')');
    }

    private void Condition(JsonElement condition, string path)
    {
        if (++_conditions == MaxConditions + 1)
        {
            _errors.Add(path, $"A segment holds at most {MaxConditions} conditions.");
        }

        var field = Text(condition, "field");
        if (field is null || !Operators.TryGetValue(field, out var operators))
        {
            _errors.Add(path + ".field", $"Expected one of {string.Join(", ", Operators.Keys)}.");
            _sql.Append("FALSE");
            return;
        }

        var op = Text(condition, "operator");
        if (op is null || !operators.Contains(op))
        {
            _errors.Add(path + ".operator", $"The operators of {field} are {string.Join(", ", operators)}.");
            _sql.Append("FALSE");
            return;
        }

        var start = _sql.Length;
        switch (field)
        {
            case "lifecycleStage":
                Membership("m.lifecycle_stage", Values(condition, path, value => value.ToLowerInvariant()), op);
                break;
            case "country":
                Membership("m.country", Values(condition, path, value =>
                {
                    var problems = new FieldErrors();
                    var code = problems.CountryCode("country", value);
                    return problems.IsEmpty ? code : null;
                }), op);
                break;
            case "tags":
                var tags = Parameter(Values(condition, path, value => value.ToLowerInvariant()), NpgsqlDbType.Array | NpgsqlDbType.Text);
                _sql.Append(op switch { "hasAny" => $"m.tags && {tags}", "hasAll" => $"m.tags @> {tags}", _ => $"NOT (m.tags && {tags})" });
                break;
            case "age":
                Age(condition, path);
                break;
            case "customField":
                CustomField(condition, path, op);
                break;
            case "totalSpend":
                TotalSpend(condition, path, op);
                break;
            case "lastOrder":
                LastOrder(condition, path, op);
                break;
            case "openTickets":
                var count = Integer(condition, "value", path, 0, 10_000);
                PerPerson("audience_tickets", "NOT x.solved", $"count(*) {Comparisons[op]} {Parameter(count, NpgsqlDbType.Bigint)}", Holds(0, op, count));
                break;
            case "respondedTo":
                RespondedTo(condition, path, op);
                break;
        }

        if (_sql.Length == start)
        {
            _sql.Append("FALSE");
        }
    }

    private void Membership(string column, string[] values, string op) =>
        _sql.Append(op == "in"
            ? $"{column} = ANY({Parameter(values, NpgsqlDbType.Array | NpgsqlDbType.Text)})"
            : $"({column} IS NULL OR NOT {column} = ANY({Parameter(values, NpgsqlDbType.Array | NpgsqlDbType.Text)}))");

    private void Age(JsonElement condition, string path)
    {
        var hasMin = condition.TryGetProperty("min", out _);
        var hasMax = condition.TryGetProperty("max", out _);
        if (!hasMin && !hasMax)
        {
            _errors.Add(path, "An age band needs min, max or both (whole years, inclusive).");
            return;
        }

        var min = hasMin ? Integer(condition, "min", path, 0, 150) : 0;
        var max = hasMax ? Integer(condition, "max", path, 0, 150) : 150;
        if (min > max)
        {
            _errors.Add(path + ".max", "max must not be below min.");
        }

        // Aged at least min: born on or before today min years ago; at most max: born after today max + 1 years ago.
        _sql.Append($"(m.birth_date <= {Parameter(_today.AddYears(-min), NpgsqlDbType.Date)} AND m.birth_date > {Parameter(_today.AddYears(-max - 1), NpgsqlDbType.Date)})");
    }

    private void CustomField(JsonElement condition, string path, string op)
    {
        var key = Text(condition, "key");
        if (key is null || key.Length is 0 or > 64)
        {
            _errors.Add(path + ".key", "Expected the custom field's key (1 to 64 characters).");
            return;
        }

        var field = $"(m.custom_fields -> {Parameter(key, NpgsqlDbType.Text)})";
        if (op is "exists" or "notExists")
        {
            _sql.Append(op == "exists" ? $"{field} IS NOT NULL" : $"{field} IS NULL");
            return;
        }

        if (!condition.TryGetProperty("value", out var value) || value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
        {
            _errors.Add(path + ".value", "Expected a string, a number or a boolean.");
            return;
        }

        switch (op)
        {
            case "eq":
                _sql.Append($"{field} = {Parameter(value.GetRawText(), NpgsqlDbType.Jsonb)}");
                break;
            case "neq":
                _sql.Append($"{field} IS DISTINCT FROM {Parameter(value.GetRawText(), NpgsqlDbType.Jsonb)}");
                break;
            case var _ when value.ValueKind == JsonValueKind.Number:
                // A value of another type never compares: CASE keeps the cast from ever seeing it.
                _sql.Append($"CASE WHEN jsonb_typeof({field}) = 'number' THEN ({field} #>> ARRAY[]::text[])::numeric {Comparisons[op]} {Parameter(value.GetDecimal(), NpgsqlDbType.Numeric)} ELSE FALSE END");
                break;
            case var _ when value.ValueKind == JsonValueKind.String:
                // Text order, which is date order for YYYY-MM-DD values.
                _sql.Append($"CASE WHEN jsonb_typeof({field}) = 'string' THEN ({field} #>> ARRAY[]::text[]) COLLATE \"C\" {Comparisons[op]} {Parameter(value.GetString()!, NpgsqlDbType.Text)} ELSE FALSE END");
                break;
            default:
                _errors.Add(path + ".value", "Only numbers and strings are ordered.");
                break;
        }
    }

    private void TotalSpend(JsonElement condition, string path, string op)
    {
        if (!condition.TryGetProperty("value", out var money) || money.ValueKind != JsonValueKind.Object
            || Text(money, "amount") is not { } text || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || Money.CurrencyCode(Text(money, "currency")) is not { } currency)
        {
            _errors.Add(path + ".value", "Expected money: { \"amount\": \"100.00\", \"currency\": \"EUR\" }, a non-negative amount as a string.");
            return;
        }

        // One currency per condition: spend in different currencies is never added up.
        PerPerson(
            "audience_orders",
            $"x.currency = {Parameter(currency, NpgsqlDbType.Text)} AND x.placed_at IS NOT NULL AND NOT x.cancelled",
            $"sum(x.net_total) {Comparisons[op]} {Parameter(amount, NpgsqlDbType.Numeric)}",
            Holds(0, op, amount));
    }

    /// <summary>
    /// A condition on an aggregate of each person's rows of <paramref name="table"/>, written as a semi-join on (tenant,
    /// person) that the planner evaluates once and hashes (a scalar subquery per audience member took seconds over a
    /// million people). People without rows match when <paramref name="noRowsMatch"/>: then the condition is "not among
    /// those for whom it fails".
    /// </summary>
    private void PerPerson(string table, string rows, string aggregateCondition, bool noRowsMatch)
    {
        var not = noRowsMatch ? "NOT " : "";
        _sql.Append(
            $"{not}(m.tenant_id, m.person_id) IN (SELECT x.tenant_id, x.person_id FROM {table} x WHERE {rows} "
            + $"GROUP BY x.tenant_id, x.person_id HAVING {not}({aggregateCondition}))");
    }

    /// <summary>Whether <c>left op right</c> holds: how a person without rows (a count or sum of 0) compares.</summary>
    private static bool Holds(decimal left, string op, decimal right) => op switch
    {
        "eq" => left == right,
        "gt" => left > right,
        "gte" => left >= right,
        "lt" => left < right,
        "lte" => left <= right,
        _ => left != right,
    };

    private void LastOrder(JsonElement condition, string path, string op)
    {
        const string Orders = "FROM audience_orders o WHERE o.tenant_id = m.tenant_id AND o.person_id = m.person_id AND o.placed_at IS NOT NULL AND NOT o.cancelled";
        if (op == "none")
        {
            _sql.Append($"NOT EXISTS (SELECT 1 {Orders})");
            return;
        }

        if (!condition.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String || !value.TryGetDateTimeOffset(out var at))
        {
            _errors.Add(path + ".value", "Expected a date and time (ISO 8601, 2026-05-01T00:00:00Z).");
            return;
        }

        // Someone who never ordered has no last order, neither before nor after.
        PerPerson(
            "audience_orders",
            "x.placed_at IS NOT NULL AND NOT x.cancelled",
            $"max(x.placed_at) {(op == "before" ? "<" : ">")} {Parameter(at.ToUniversalTime(), NpgsqlDbType.TimestampTz)}",
            noRowsMatch: false);
    }

    private void RespondedTo(JsonElement condition, string path, string op)
    {
        if (!condition.TryGetProperty("campaignId", out var id) || !id.TryGetGuid(out var campaignId))
        {
            _errors.Add(path + ".campaignId", "Expected the id of a campaign.");
            return;
        }

        var response = Text(condition, "response");
        if (condition.TryGetProperty("response", out _) && (response is null || !Responses.RecipientResponses.Kinds.Contains(response)))
        {
            _errors.Add(path + ".response", $"Expected one of {string.Join(", ", Responses.RecipientResponses.Kinds)}, or no response for any.");
            return;
        }

        var kind = response is null ? "r.kind <> 'delivered'" : $"r.kind = {Parameter(response, NpgsqlDbType.Text)}";
        _sql.Append(
            $"{(op == "responded" ? "" : "NOT ")}EXISTS (SELECT 1 FROM campaign_responses r WHERE r.tenant_id = m.tenant_id AND r.person_id = m.person_id "
            + $"AND r.campaign_id = {Parameter(campaignId, NpgsqlDbType.Uuid)} AND {kind})");
    }

    private string[] Values(JsonElement condition, string path, Func<string, string?> normalise)
    {
        if (!condition.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array
            || values.GetArrayLength() is 0 or > MaxValues)
        {
            _errors.Add(path + ".values", $"Expected a list of 1 to {MaxValues} strings.");
            return [];
        }

        var result = new List<string>();
        var index = 0;
        foreach (var value in values.EnumerateArray())
        {
            if (value.ValueKind != JsonValueKind.String || value.GetString()!.Trim() is not { Length: > 0 and <= 100 } text || normalise(text) is not { } normalised)
            {
                _errors.Add($"{path}.values[{index}]", "Not a value this field can hold.");
            }
            else
            {
                result.Add(normalised);
            }

            index++;
        }

        return [.. result];
    }

    private int Integer(JsonElement condition, string name, string path, int min, int max)
    {
        if (condition.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }

        _errors.Add($"{path}.{name}", $"Expected a whole number from {min} to {max}.");
        return 0;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private string Parameter(object value, NpgsqlDbType type)
    {
        var name = $"c{_parameters.Count}";
        _parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        return "@" + name;
    }
}
