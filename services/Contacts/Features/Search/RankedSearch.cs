using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CrmCloud.Contacts.Features.Search;

/// <summary>
/// Runs a ranked trigram search and reads the matching rows as a page. The SQL is raw, so the tenant filter of the
/// DbContext does not apply to it: every search statement filters <c>tenant_id</c> by the <c>@tenant</c> parameter
/// itself, and the rows are then read through the DbContext, whose filter applies again.
/// </summary>
internal static class RankedSearch
{
    /// <summary>
    /// The least word similarity for <c>&lt;%</c> to count as a match. The default, 0.6, misses single misspelt
    /// words (<c>lovlace</c> scores 0.55 against <c>lovelace</c>); 0.4 still keeps unrelated names out.
    /// </summary>
    public const string Threshold = "0.4";

    /// <summary>Ranks at or above this come from an exact phone match; word similarity never exceeds 1.</summary>
    public const string PhoneMatchRank = "1";

    /// <summary>Appends the keyset condition, the order and the limit to <paramref name="hits"/>, a SELECT of (id, rank).</summary>
    public static string Paged(string hits, SearchQuery query) =>
        $"""
        SELECT hits.id AS id, hits.rank AS rank
        FROM ({hits}) AS hits
        {(query.After is null ? "" : $"WHERE {After(query, "hits.rank", "hits.id")}")}
        ORDER BY hits.rank DESC, hits.id
        LIMIT @take
        """;

    /// <summary>The keyset condition on a (rank, id) pair: it comes after the cursor. Only for a query with one.</summary>
    public static string After(SearchQuery query, string rank, string id) =>
        query.After is null ? throw new InvalidOperationException("The query has no cursor.") : $"({rank} < @after_rank OR ({rank} = @after_rank AND {id} > @after_id))";

    /// <summary>
    /// The parameters every search statement takes, with the cursor's for a page after the first;
    /// <paramref name="extra"/> adds the statement's own. A paged statement adds <see cref="Take"/>.
    /// </summary>
    public static List<NpgsqlParameter> Parameters(ContactsDb db, SearchQuery query, params NpgsqlParameter[] extra)
    {
        List<NpgsqlParameter> parameters =
        [
            new("tenant", NpgsqlDbType.Varchar) { Value = db.Tenant.TenantId },
            new("q", NpgsqlDbType.Text) { Value = query.Text },
            .. extra,
        ];
        if (query.After is { } after)
        {
            parameters.Add(new("after_rank", NpgsqlDbType.Double) { Value = after.Rank });
            parameters.Add(new("after_id", NpgsqlDbType.Uuid) { Value = after.Id });
        }

        return parameters;
    }

    /// <summary>The row limit of <see cref="Paged"/>: one more than the page, to know whether another follows.</summary>
    public static NpgsqlParameter Take(SearchQuery query) => new("take", NpgsqlDbType.Integer) { Value = query.Limit + 1 };

    /// <summary>
    /// Makes searches in the current transaction match with <see cref="Threshold"/>, and compile no plan: the planner
    /// cannot tell how few words a trigram lookup finds, and its estimate of millions made it spend 0.6 s compiling
    /// a 20 ms search with JIT. <c>SET LOCAL</c> keeps both to the transaction, so a pooled connection goes back as it came.
    /// </summary>
    public static Task UseSearchSettingsAsync(ContactsDb db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync($"SET LOCAL pg_trgm.word_similarity_threshold = {Threshold}; SET LOCAL jit = off", cancellationToken);

    /// <summary>
    /// Runs <paramref name="sql"/> (from <see cref="Paged"/>) and reads the rows it ranks with <paramref name="load"/>,
    /// best first. One transaction, so the similarity threshold is set for this search only.
    /// </summary>
    public static async Task<Page<TResponse>> ReadAsync<TEntity, TResponse>(
        ContactsDb db,
        SearchQuery query,
        string sql,
        List<NpgsqlParameter> parameters,
        Func<IReadOnlyCollection<Guid>, CancellationToken, Task<List<TEntity>>> load,
        Func<TEntity, Guid> idOf,
        Func<TEntity, TResponse> toResponse,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await UseSearchSettingsAsync(db, cancellationToken);
        var hits = await db.Database.SqlQueryRaw<SearchHit>(sql, [.. parameters]).ToListAsync(cancellationToken);
        var page = hits.Take(query.Limit).ToList();
        var rows = (await load([.. page.Select(hit => hit.Id)], cancellationToken)).ToDictionary(idOf);
        await transaction.CommitAsync(cancellationToken);

        var next = hits.Count > query.Limit ? new SearchCursor(page[^1].Rank, page[^1].Id).Encode() : null;
        return new Page<TResponse>([.. page.Where(hit => rows.ContainsKey(hit.Id)).Select(hit => toResponse(rows[hit.Id]))], next);
    }
}
