using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.Imports;

/// <summary>
/// The multipart form of <c>POST /api/v1/imports</c>, for the API reference: <c>file</c> the CSV, <c>mapping</c> a JSON
/// object of CSV column → person field, <c>dedupe</c> skip, update or create.
/// </summary>
public sealed record ImportUpload(IFormFile File, string? Mapping, ImportDedupe? Dedupe);

public sealed record ImportJobResponse(
    Guid Id,
    ImportStatus Status,
    string FileName,
    ImportDedupe Dedupe,
    IReadOnlyDictionary<string, string> Mapping,
    int Rows,
    int ProcessedRows,
    int Created,
    int Updated,
    int Skipped,
    int Failed,
    int ErrorCount,
    IReadOnlyList<ImportRowErrorResponse>? Errors,
    string? Failure,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    long Version)
{
    /// <param name="errors">The kept row errors; null leaves them out (in lists).</param>
    public static ImportJobResponse From(ImportJob job, IReadOnlyList<ImportRowErrorResponse>? errors) => new(
        job.Id,
        job.Status,
        job.FileName,
        job.Dedupe,
        job.Mapping,
        job.Rows,
        job.NextRow,
        job.Created,
        job.Updated,
        job.Skipped,
        job.Failed,
        job.ErrorCount,
        errors,
        job.Failure,
        job.CreatedAt,
        job.UpdatedAt,
        job.CompletedAt,
        job.Version);
}

/// <summary>Why one data row was not imported; <c>row</c> counts the header as row 1, as a spreadsheet shows it.</summary>
public sealed record ImportRowErrorResponse(int Row, string Field, string Message);

/// <summary>The checks an upload passes before its job is queued; each failure names its form field.</summary>
public static class ImportRequests
{
    /// <summary>The largest file accepted: 50 MiB, about half a million typical rows.</summary>
    public const long MaxFileBytes = 50L * 1024 * 1024;

    private static readonly HashSet<string> CsvMediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "text/csv", "application/csv", "text/comma-separated-values",
    };

    public static ImportDedupe? Dedupe(string? value, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return ImportDedupe.Skip;
        }

        var names = Enum.GetValues<ImportDedupe>().Select(WireNames<ImportDedupe>.Of).ToList();
        if (names.FirstOrDefault(name => name == value.Trim()) is { } known)
        {
            return WireNames<ImportDedupe>.Parse(known);
        }

        errors.Add("dedupe", $"Expected one of {string.Join(", ", names)}.");
        return null;
    }

    /// <summary>The requested mapping (null when none is sent), or null with an error naming <c>mapping</c>.</summary>
    public static Dictionary<string, string>? Mapping(string? value, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(value)
                ?? throw new JsonException("null");
        }
        catch (JsonException)
        {
            errors.Add("mapping", """A JSON object of CSV column → person field, such as {"Surname": "lastName"}.""");
            return null;
        }
    }

    /// <summary>A file named .csv or sent as text/csv; an empty one, or anything else, is an error naming <c>file</c>.</summary>
    public static bool IsCsv(IFormFile? file, FieldErrors errors)
    {
        if (file is null)
        {
            errors.Add("file", "Send the CSV file in the form field 'file'.");
            return false;
        }

        var mediaType = file.ContentType?.Split(';', 2)[0].Trim() ?? "";
        if (!CsvMediaTypes.Contains(mediaType) && !file.FileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("file", "The file must be CSV: sent as text/csv or named *.csv.");
            return false;
        }

        if (file.Length == 0)
        {
            errors.Add("file", "The file is empty: the first row must name the columns.");
            return false;
        }

        return true;
    }
}
