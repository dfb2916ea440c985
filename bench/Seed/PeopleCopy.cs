using System.Buffers.Binary;
using Npgsql;
using NpgsqlTypes;

namespace CrmCloud.Bench.Seed;

/// <summary>One column of a COPY: its name, its type, and its value for a row.</summary>
internal sealed record CopyColumn<TRow>(string Name, NpgsqlDbType Type, Func<TRow, object?> Value);

/// <summary>A person row to copy; the company is one of the tenant's seeded companies, or none.</summary>
internal sealed record PersonRow(Guid Id, string TenantId, SeedPerson Person, Guid? CompanyId, string LifecycleStage, DateTimeOffset CreatedAt);

internal sealed record CompanyRow(Guid Id, string TenantId, string Name, string Domain, DateTimeOffset CreatedAt);

/// <summary>
/// Bulk-inserts a tenant's companies and people straight into the contacts database with binary COPY, the fastest way
/// PostgreSQL takes rows. No events are written: the other services' copies of contacts stay empty, as a benchmark of
/// contacts alone wants. Ids are UUIDv7 built from the seed, so the same seed gives the same rows.
/// </summary>
internal static class PeopleCopy
{
    private static string Primary(string member, string? value) =>
        value is null ? "[]" : $"[{{\"{member}\":{System.Text.Json.JsonSerializer.Serialize(value)},\"primary\":true}}]";

    /// <summary>
    /// The columns written for a person; every other column of <c>people</c> must be nullable or have a default. A column
    /// added to people is one line here.
    /// </summary>
    private static readonly CopyColumn<PersonRow>[] PeopleColumns =
    [
        new("id", NpgsqlDbType.Uuid, row => row.Id),
        new("tenant_id", NpgsqlDbType.Varchar, row => row.TenantId),
        new("first_name", NpgsqlDbType.Varchar, row => row.Person.FirstName),
        new("last_name", NpgsqlDbType.Varchar, row => row.Person.LastName),
        new("email", NpgsqlDbType.Varchar, row => row.Person.Email),
        new("phone", NpgsqlDbType.Varchar, row => row.Person.Phone),
        // The lists hold every address and number; email and phone above are their primary entries.
        new("emails", NpgsqlDbType.Jsonb, row => Primary("address", row.Person.Email)),
        new("phones", NpgsqlDbType.Jsonb, row => Primary("number", row.Person.Phone)),
        new("job_title", NpgsqlDbType.Varchar, row => row.Person.JobTitle),
        new("company_id", NpgsqlDbType.Uuid, row => row.CompanyId),
        new("lifecycle_stage", NpgsqlDbType.Varchar, row => row.LifecycleStage),
        new("created_at", NpgsqlDbType.TimestampTz, row => row.CreatedAt),
        new("updated_at", NpgsqlDbType.TimestampTz, row => row.CreatedAt),
        new("version", NpgsqlDbType.Bigint, _ => 1L),
    ];

    private static readonly CopyColumn<CompanyRow>[] CompanyColumns =
    [
        new("id", NpgsqlDbType.Uuid, row => row.Id),
        new("tenant_id", NpgsqlDbType.Varchar, row => row.TenantId),
        new("name", NpgsqlDbType.Varchar, row => row.Name),
        new("domain", NpgsqlDbType.Varchar, row => row.Domain),
        new("tags", NpgsqlDbType.Array | NpgsqlDbType.Text, _ => Array.Empty<string>()),
        new("created_at", NpgsqlDbType.TimestampTz, row => row.CreatedAt),
        new("updated_at", NpgsqlDbType.TimestampTz, row => row.CreatedAt),
        new("version", NpgsqlDbType.Bigint, _ => 1L),
    ];

    /// <summary>Lifecycle stages with their shares of a tenant's people, so that a list filtered by stage has a realistic size.</summary>
    private static readonly (string Stage, double Share)[] Stages =
        [("subscriber", 0.20), ("lead", 0.40), ("opportunity", 0.10), ("customer", 0.25), ("churned", 0.05)];

    /// <summary>The people were created over the year before this, one after another.</summary>
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<(int People, int Companies)> RunAsync(
        string connectionString, string tenant, int count, int companyCount, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        var companies = new Guid[companyCount];
        var companyRows = Enumerable.Range(0, companyCount).Select(index =>
        {
            var name = $"{random.Pick(SeedData.CompanyWords)} {random.Pick(SeedData.CompanyWords)} {random.Pick(SeedData.CompanyKinds)}";
            var domain = $"{SeedData.Local(name)}{index}.test";
            var created = Start.AddSeconds(index);
            return new CompanyRow(companies[index] = Id(random, created), tenant, name, domain, created);
        });
        await CopyAsync(connection, "companies", CompanyColumns, companyRows, cancellationToken);

        var step = TimeSpan.FromDays(365).Ticks / Math.Max(1, count);
        var people = Enumerable.Range(0, count).Select(index =>
        {
            var created = Start.AddDays(1).AddTicks(step * index);
            var person = SeedData.Person(random, index);
            Guid? company = random.NextDouble() < 0.6 ? companies[random.Next(companyCount)] : null;
            return new PersonRow(Id(random, created), tenant, person, company, Stage(random.NextDouble()), created);
        });
        await CopyAsync(connection, "people", PeopleColumns, people, cancellationToken);

        // Fresh statistics, so the planner sees a million rows rather than an empty table, and the tables vacuumed as
        // autovacuum would have left them long before anyone searched: the visibility map of the search words that the
        // COPY's trigger filled, so their bearers are read from the index alone, and people's hint bits set, so the
        // first read of each page does not write it and no autovacuum worker runs beside the timings that follow.
        // Beside millions of other rows on a busy machine it can outlast the default 30 s a command is given.
        foreach (var statement in new[] { "VACUUM (ANALYZE) people, companies", "VACUUM (ANALYZE) person_words, search_words" })
        {
            await using var analyze = new NpgsqlCommand(statement, connection) { CommandTimeout = 600 };
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }
        return (count, companyCount);
    }

    private static string Stage(double roll)
    {
        foreach (var (stage, share) in Stages)
        {
            if ((roll -= share) < 0)
            {
                return stage;
            }
        }

        return Stages[^1].Stage;
    }

    internal static async Task CopyAsync<TRow>(
        NpgsqlConnection connection, string table, CopyColumn<TRow>[] columns, IEnumerable<TRow> rows, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY {table} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        // The rows' triggers run as the COPY completes (people's fill the search words): a million take minutes.
        writer.Timeout = TimeSpan.FromMinutes(15);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(cancellationToken);
            foreach (var column in columns)
            {
                if (column.Value(row) is { } value)
                {
                    await writer.WriteAsync(value, column.Type, cancellationToken);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>A UUIDv7 for <paramref name="time"/> whose random bits come from the seeded <paramref name="random"/>.</summary>
    internal static Guid Id(Random random, DateTimeOffset time)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        var milliseconds = time.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)(milliseconds >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(bytes[2..], (uint)milliseconds);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
