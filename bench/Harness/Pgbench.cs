using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace CrmCloud.Bench.Harness;

internal sealed record PgbenchResult(int Clients, double Seconds, long Transactions, double TransactionsPerSecond);

/// <summary>
/// The storage limit of a create: pgbench inserting one person row per transaction into a copy of contacts'
/// <c>people</c> table (same columns, defaults and indexes, <c>LIKE people INCLUDING ALL</c>) in the same PostgreSQL,
/// so that its durability settings are the ones the service writes under. The copy is dropped afterwards.
/// </summary>
internal static partial class Pgbench
{
    private const string Table = "bench_people";

    // The same fields a POST carries; the lists as the service stores a primary email.
    private const string Script = $$"""
        \set n random(1, 2000000000)
        INSERT INTO {{Table}} (id, tenant_id, first_name, last_name, email, emails, phones, created_at, updated_at, version) VALUES (gen_random_uuid(), 'pgbench', 'Bench', 'Writer ' || :n, 'w' || :n || '@example.com', ('[{"address":"w' || :n || '@example.com","primary":true}]')::jsonb, '[]'::jsonb, now(), now(), 1);
        """;

    public static async Task<PgbenchResult> InsertPeopleAsync(string contactsDatabase, int clients, TimeSpan duration)
    {
        await using var source = NpgsqlDataSource.Create(contactsDatabase);
        await using (var create = source.CreateCommand($"DROP TABLE IF EXISTS {Table}; CREATE TABLE {Table} (LIKE people INCLUDING ALL);"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var path = Path.Combine(Path.GetTempPath(), $"crm-bench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(path, Script);
        try
        {
            var database = new NpgsqlConnectionStringBuilder(contactsDatabase);
            var seconds = Math.Max(1, (int)duration.TotalSeconds);
            var output = await Tool.RunAsync(
                "pgbench",
                [
                    "--no-vacuum", $"--client={clients}", $"--jobs={Math.Min(clients, Environment.ProcessorCount)}", $"--time={seconds}",
                    $"--file={path}", $"--host={database.Host}", $"--port={database.Port}", $"--username={database.Username}", database.Database!,
                ],
                new Dictionary<string, string> { ["PGPASSWORD"] = database.Password ?? string.Empty });
            var transactions = long.Parse(Processed().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            var tps = double.Parse(Tps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            return new PgbenchResult(clients, seconds, transactions, tps);
        }
        finally
        {
            File.Delete(path);
            await using var drop = source.CreateCommand($"DROP TABLE IF EXISTS {Table}");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [GeneratedRegex(@"number of transactions actually processed: (\d+)")]
    private static partial Regex Processed();

    [GeneratedRegex(@"tps = ([\d.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
