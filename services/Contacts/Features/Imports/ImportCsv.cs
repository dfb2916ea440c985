using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrmCloud.Contacts.Features.Imports;

/// <summary>One data row of an import file. <see cref="Number"/> counts the header as row 1.</summary>
public sealed record ImportRow(int Number, string[] Cells, string? Problem);

/// <summary>The file is not one an import can read; the message says why, to the caller who sent it.</summary>
public sealed class ImportFileException(string message) : Exception(message);

/// <summary>
/// Reads an import file a record at a time: UTF-8 (a byte order mark allowed, invalid bytes refused), comma
/// separated, RFC 4180 quoting, a header row first. A record that is not well-formed CSV, or that has another
/// number of fields than the header, still comes back, with its <see cref="ImportRow.Problem"/>.
/// </summary>
public sealed class ImportCsv : IAsyncDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly CsvParser _parser;
    private bool _badData;
    private int _number = 1;

    private ImportCsv(Stream stream)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = ",",
            DetectDelimiter = false,
            Mode = CsvMode.RFC4180,
            IgnoreBlankLines = true,
            BadDataFound = _ => _badData = true,
        };
        _parser = new CsvParser(new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true), configuration);
    }

    public IReadOnlyList<string> Header { get; private set; } = [];

    /// <summary>Opens <paramref name="stream"/> (disposed with the reader) and reads its header row.</summary>
    /// <exception cref="ImportFileException">No header, a blank or repeated column name, or bytes that are not UTF-8.</exception>
    public static async Task<ImportCsv> OpenAsync(Stream stream, CancellationToken cancellationToken)
    {
        var csv = new ImportCsv(stream);
        try
        {
            if (!await csv.ReadRecordAsync(cancellationToken) || csv._parser.Record is not { Length: > 0 } header)
            {
                throw new ImportFileException("The file is empty: the first row must name the columns.");
            }

            var names = header.Select(name => name.Trim()).ToArray();
            if (csv._badData || names.Any(name => name.Length == 0))
            {
                throw new ImportFileException("The first row must name every column.");
            }

            if (names.GroupBy(name => name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(group => group.Count() > 1) is { } repeated)
            {
                throw new ImportFileException($"The column '{repeated.Key}' is named more than once.");
            }

            csv.Header = names;
            return csv;
        }
        catch
        {
            await csv.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next data row, or null at the end of the file.</summary>
    public async Task<ImportRow?> ReadAsync(CancellationToken cancellationToken)
    {
        _badData = false;
        if (!await ReadRecordAsync(cancellationToken))
        {
            return null;
        }

        _number++;
        var cells = _parser.Record ?? [];
        var problem = _badData
            ? "The row is not well-formed CSV: a quote inside an unquoted field, or text after a closing quote."
            : cells.Length != Header.Count
                ? $"The row has {cells.Length} fields where the header has {Header.Count}."
                : null;
        return new ImportRow(_number, cells, problem);
    }

    /// <summary>Passes over <paramref name="count"/> data rows (those a previous run committed).</summary>
    public async Task SkipAsync(int count, CancellationToken cancellationToken)
    {
        for (var skipped = 0; skipped < count && await ReadAsync(cancellationToken) is not null; skipped++)
        {
        }
    }

    /// <summary>Counts the data rows left, reading (and so checking the encoding of) the whole file.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        var rows = 0;
        while (await ReadRecordAsync(cancellationToken))
        {
            rows++;
        }

        return rows;
    }

    public ValueTask DisposeAsync()
    {
        _parser.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> ReadRecordAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await _parser.ReadAsync();
        }
        catch (DecoderFallbackException)
        {
            throw new ImportFileException("The file is not UTF-8 text.");
        }
    }
}
