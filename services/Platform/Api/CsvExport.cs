using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrmCloud.Platform.Data;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrmCloud.Platform.Api;

/// <summary>One column of a CSV export: its header and how a row's cell is read.</summary>
public sealed record CsvColumn<T>(string Header, Func<T, string?> Value);

/// <summary>
/// Streams rows as CSV (RFC 4180: comma, quotes doubled, CRLF) under a header row, written row by row as they are
/// read, so an export of any size holds one row at a time. Cells that a spreadsheet would run as a formula (those
/// starting with = + - @, a tab or a carriage return) are prefixed with an apostrophe, so they open as text.
/// </summary>
public static class CsvExport
{
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        Delimiter = ",",
        NewLine = "\r\n",
        // With NewLine set, CsvHelper's own rule quotes only fields holding the whole "\r\n": a lone \n must be quoted too.
        ShouldQuote = args => args.Field is { Length: > 0 } field
            && (field.AsSpan().IndexOfAny("\",\r\n") >= 0 || field[0] == ' ' || field[^1] == ' '),
        InjectionOptions = InjectionOptions.Escape,
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The response: <paramref name="rows"/> is enumerated only once the response starts.</summary>
    public static PushStreamHttpResult Result<T>(
        IAsyncEnumerable<T> rows, IReadOnlyList<CsvColumn<T>> columns, string fileName, CancellationToken cancellationToken) =>
        TypedResults.Stream(body => WriteAsync(body, rows, columns, cancellationToken), ContentType, fileName);

    public static async Task WriteAsync<T>(Stream body, IAsyncEnumerable<T> rows, IReadOnlyList<CsvColumn<T>> columns, CancellationToken cancellationToken)
    {
        await using var text = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        await using var csv = new CsvWriter(text, Configuration, leaveOpen: true);
        foreach (var column in columns)
        {
            csv.WriteField(column.Header);
        }

        await csv.NextRecordAsync();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            foreach (var column in columns)
            {
                csv.WriteField(column.Value(row));
            }

            await csv.NextRecordAsync();
        }

        await csv.FlushAsync();
        await text.FlushAsync(cancellationToken);
    }

    /// <summary>Times in exports as in the API: ISO 8601 UTC with Z.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A list or an object as its API JSON, which an import reads back as JSON; null (an empty cell) when there is
    /// none or the list is empty.
    /// </summary>
    public static string? JsonCell<T>(T? value)
        where T : class => value is null || (value is System.Collections.IEnumerable items && !items.GetEnumerator().MoveNext()) ? null : JsonSerializer.Serialize(value, Json);

    /// <summary>An enumeration as its API value.</summary>
    public static string? WireName<TEnum>(TEnum? value)
        where TEnum : struct, Enum => value is { } known ? WireNames<TEnum>.Of(known) : null;
}
