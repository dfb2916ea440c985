using CrmCloud.Contacts.Features.People;
using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CrmCloud.Contacts.Features.Search;

/// <summary>
/// <c>GET /api/v1/people?q=</c>: people whose name ("first last"), email or company (name or domain) is similar to
/// the text by trigram word similarity, or, when the text looks like a phone number, whose phone contains its digits.
/// Ranked best first: the person's own word similarity, a company match at nine tenths of its similarity (so
/// someone named like the text comes before someone who merely works there), and a phone match above all. Every
/// match is ranked before a page is cut: a common name in a large tenant costs a read of each person bearing it.
/// </summary>
public static class PeopleSearch
{
    /// <summary>The text a person is found by; the Search migration indexes exactly this expression.</summary>
    public const string PersonText = "lower(p.first_name || ' ' || p.last_name || ' ' || coalesce(p.email, ''))";

    /// <summary>A person's phone, digits only; the Search migration indexes exactly this expression.</summary>
    public const string PhoneDigits = "regexp_replace(coalesce(p.phone, ''), '[^0-9]', '', 'g')";

    public static Task<Page<PersonResponse>> ReadAsync(ContactsDb db, SearchQuery query, CancellationToken cancellationToken)
    {
        var (hits, parameters) = Hits(db, query);
        parameters.Add(RankedSearch.Take(query));
        return RankedSearch.ReadAsync(
            db,
            query,
            RankedSearch.Paged(hits, query),
            parameters,
            (ids, cancel) => db.People.AsNoTracking().Where(person => ids.Contains(person.Id)).ToListAsync(cancel),
            person => person.Id,
            PersonResponse.From,
            cancellationToken);
    }

    /// <summary>
    /// Every person of the tenant the search finds, unranked, for queries that read them all (the CSV export). Run it
    /// in a transaction after <see cref="RankedSearch.UseThresholdAsync"/>, which sets the similarity the search matches by.
    /// </summary>
    public static IQueryable<Person> Matching(ContactsDb db, SearchQuery query)
    {
        // The SQL is built from constants only; the search text and the tenant go in as parameters.
        var (hits, parameters) = Hits(db, query);
        var sql = $"SELECT hits.id AS \"Value\" FROM ({hits}) AS hits";
        var ids = db.Database.SqlQueryRaw<Guid>(sql, [.. parameters]);
        return db.People.Where(person => ids.Contains(person.Id));
    }

    /// <summary>A SELECT of (id, rank) for every person of the tenant the search finds, and its parameters.</summary>
    private static (string Sql, List<NpgsqlParameter> Parameters) Hits(ContactsDb db, SearchQuery query)
    {
        var phone = query.PhoneDigits;
        // A person's company counts only when the company matches the text itself: one that does not scores under
        // 0.4, so 0.9 of it never beats the 0.4 or more of a person matched by their own text. The matching companies
        // are therefore found once, by their own index, and each way of matching people is its own arm (an OR across
        // them could use no index) that ranks its people as it finds them, reading each person's row once; UNION
        // drops a person found twice, whose rank is the same in every arm.
        var rank = $"""
            greatest(
                word_similarity(@q, {PersonText}),
                0.9 * coalesce(found.similarity, 0)
                {(phone is null ? "" : $", CASE WHEN {PhoneDigits} LIKE @phone THEN {RankedSearch.PhoneMatchRank} ELSE 0 END")}
            )::double precision
            """;
        var hits = $"""
            WITH found AS (
                SELECT c.id, word_similarity(@q, {CompanySearch.CompanyText}) AS similarity
                FROM companies AS c
                WHERE c.tenant_id = @tenant AND @q <% {CompanySearch.CompanyText})
            SELECT p.id, {rank} AS rank
            FROM people AS p LEFT JOIN found ON found.id = p.company_id
            WHERE p.tenant_id = @tenant AND @q <% {PersonText}
            UNION
            SELECT p.id, {rank} AS rank
            FROM found JOIN people AS p ON p.company_id = found.id AND p.tenant_id = @tenant
            {(phone is null ? "" : $"""
                UNION
                SELECT p.id, {rank} AS rank
                FROM people AS p LEFT JOIN found ON found.id = p.company_id
                WHERE p.tenant_id = @tenant AND {PhoneDigits} LIKE @phone
                """)}
            """;
        var parameters = phone is null
            ? RankedSearch.Parameters(db, query)
            : RankedSearch.Parameters(db, query, new NpgsqlParameter("phone", NpgsqlDbType.Text) { Value = $"%{phone}%" });
        return (hits, parameters);
    }
}
