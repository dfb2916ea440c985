using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace CrmCloud.Bench.Harness;

/// <summary>Latency percentiles of one kind of request, in milliseconds, over <see cref="Count"/> requests made one after another.</summary>
internal sealed record Timing(string Kind, int Count, long Failures, double P50, double P95, double P99);

/// <summary>Each kind of read through the gateway, and the same SQL straight at PostgreSQL.</summary>
internal sealed record ScaleResult(string Tenant, int DeepPage, IReadOnlyList<Timing> Gateway, IReadOnlyList<Timing> Database);

/// <summary>
/// Scenario 4: reads of one tenant's many people, one request at a time after a warm-up (a user at a list, not a
/// load): a <c>?q=</c> search for a last name with a typo, a list filtered by lifecycle stage, and a deep page
/// reached by following cursors. The reference runs the SQL the service runs for each, with Npgsql straight at
/// contacts' database, so the difference is what the service and the gateway add.
/// </summary>
internal static class SearchAtScale
{
    public const string Search = "search with a typo";
    public const string Filtered = "filtered list";
    public const string Deep = "deep page";

    private const int SearchLimit = 20;
    private const int ListLimit = 50;
    private const string FilteredStage = "customer";

    /// <summary>
    /// The statement of contacts' <c>PeopleSearch</c> for the first page of a one-word query that is not a phone
    /// number: keep it the same as the service's, or the reference measures something else.
    /// </summary>
    private const string SearchSql = """
        SELECT hits.id AS id, hits.rank AS rank
        FROM (
            WITH alike AS (
                SELECT w.word, word_similarity(@q, w.word) AS similarity
                FROM search_words AS w WHERE w.tenant_id = @tenant AND @q <% w.word),
            candidates AS (
                SELECT DISTINCT firsts.person_id FROM alike, LATERAL (
                    SELECT pw.person_id FROM person_words AS pw
                    WHERE pw.tenant_id = @tenant AND pw.word = alike.word
                    ORDER BY pw.person_id
                    LIMIT @take) AS firsts),
            named AS (
                SELECT pw.person_id AS id, max(alike.similarity) AS rank
                FROM candidates
                JOIN person_words AS pw ON pw.person_id = candidates.person_id AND pw.tenant_id = @tenant
                JOIN alike ON alike.word = pw.word
                GROUP BY pw.person_id),
            found AS (
                SELECT c.id, word_similarity(@q, lower(c.name || ' ' || coalesce(c.domain, ''))) AS similarity
                FROM companies AS c
                WHERE c.tenant_id = @tenant AND @q <% lower(c.name || ' ' || coalesce(c.domain, ''))),
            employed AS (
                SELECT p.id, 0.9 * found.similarity AS rank
                FROM found JOIN people AS p ON p.company_id = found.id AND p.tenant_id = @tenant
                WHERE 0.9 * found.similarity >= (SELECT coalesce((
                    SELECT named.rank FROM named ORDER BY named.rank DESC, named.id OFFSET @take - 1 LIMIT 1), 0)))
            SELECT id, max(rank)::double precision AS rank FROM (
                SELECT id, rank FROM named
                UNION ALL
                SELECT id, rank FROM employed) AS ranked
            GROUP BY id
        ) AS hits
        ORDER BY hits.rank DESC, hits.id
        LIMIT @take
        """;

    public static async Task<ScaleResult> RunAsync(SystemUnderTest system, string token, string tenant, int samples, int warmup, int depth)
    {
        using var client = Measurement.Client(system.Gateway, token);
        var names = SeedData.LastNames.Where(name => name.Length >= 5).ToArray();
        var random = new Random(7);
        var typos = Enumerable.Range(0, warmup + samples).Select(_ => SeedData.Typo(random, random.Pick(names))).ToArray();

        // The deep page: the cursor that leads to page `depth`, found by following every page before it as a client would.
        var cursor = (string?)null;
        for (var page = 1; page < depth; page++)
        {
            cursor = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/people?limit={ListLimit}" + (cursor is null ? "" : $"&cursor={cursor}")))
                .TryGetProperty("nextCursor", out var next) ? next.GetString() : throw new InvalidOperationException($"The tenant {tenant} has fewer than {depth} pages of people.");
        }

        var deepPath = $"/api/v1/people?limit={ListLimit}" + (cursor is null ? "" : $"&cursor={cursor}");
        Timing[] gateway =
        [
            await TimeAsync(Search, warmup, samples, index => GetAsync(client, $"/api/v1/people?q={Uri.EscapeDataString(typos[index])}&limit={SearchLimit}")),
            await TimeAsync(Filtered, warmup, samples, _ => GetAsync(client, $"/api/v1/people?lifecycleStage={FilteredStage}&limit={ListLimit}")),
            await TimeAsync(Deep, warmup, samples, _ => GetAsync(client, deepPath)),
        ];

        await using var database = NpgsqlDataSource.Create(system.ContactsDatabase);
        var after = cursor is null ? Guid.Empty : new Guid(Base64Url.DecodeFromChars(cursor), bigEndian: true);
        Timing[] reference =
        [
            await TimeAsync(Search, warmup, samples, index => SearchAsync(database, tenant, typos[index])),
            await TimeAsync(Filtered, warmup, samples, _ => QueryAsync(database, "SELECT * FROM people WHERE tenant_id = $1 AND lifecycle_stage = $2 ORDER BY id LIMIT $3", tenant, FilteredStage, ListLimit + 1)),
            await TimeAsync(Deep, warmup, samples, _ => QueryAsync(database, "SELECT * FROM people WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3", tenant, after, ListLimit + 1)),
        ];
        return new ScaleResult(tenant, depth, gateway, reference);
    }

    /// <summary>Runs <paramref name="request"/> <paramref name="warmup"/> times unmeasured, then <paramref name="samples"/> times measured.</summary>
    private static async Task<Timing> TimeAsync(string kind, int warmup, int samples, Func<int, Task<bool>> request)
    {
        var latencies = new List<double>(samples);
        var failures = 0L;
        for (var index = 0; index < warmup + samples; index++)
        {
            var started = Stopwatch.GetTimestamp();
            var succeeded = await request(index);
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (index < warmup)
            {
                continue;
            }

            if (succeeded)
            {
                latencies.Add(milliseconds);
            }
            else
            {
                failures++;
            }
        }

        latencies.Sort();
        return new Timing(kind, latencies.Count, failures, Measurement.Percentile(latencies, 0.50), Measurement.Percentile(latencies, 0.95), Measurement.Percentile(latencies, 0.99));
    }

    private static async Task<bool> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        await response.Content.LoadIntoBufferAsync();
        return response.IsSuccessStatusCode;
    }

    /// <summary>As the service searches: the threshold for this transaction, the ranked ids, then their rows.</summary>
    private static async Task<bool> SearchAsync(NpgsqlDataSource database, string tenant, string q)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var threshold = new NpgsqlCommand("SET LOCAL pg_trgm.word_similarity_threshold = 0.4; SET LOCAL jit = off", connection, transaction))
        {
            await threshold.ExecuteNonQueryAsync();
        }

        var ids = new List<Guid>();
        await using (var hits = new NpgsqlCommand(SearchSql, connection, transaction))
        {
            hits.Parameters.AddWithValue("tenant", tenant);
            hits.Parameters.AddWithValue("q", q);
            hits.Parameters.AddWithValue("take", SearchLimit + 1);
            await using var reader = await hits.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        await using (var rows = new NpgsqlCommand("SELECT * FROM people WHERE tenant_id = $1 AND id = ANY($2)", connection, transaction))
        {
            rows.Parameters.Add(new NpgsqlParameter { Value = tenant });
            rows.Parameters.Add(new NpgsqlParameter { Value = ids.Take(SearchLimit).ToArray() });
            await ReadAllAsync(rows);
        }

        await transaction.CommitAsync();
        return true;
    }

    private static async Task<bool> QueryAsync(NpgsqlDataSource database, string sql, params object[] values)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await ReadAllAsync(command);
        return true;
    }

    /// <summary>Reads every value of every row, as the service materialises them.</summary>
    private static async Task ReadAllAsync(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
        }
    }
}
