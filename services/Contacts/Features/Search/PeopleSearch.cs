using CrmCloud.Contacts.Features.People;
using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CrmCloud.Contacts.Features.Search;

/// <summary>
/// <c>GET /api/v1/people?q=</c>: people who bear, for every word of the text, a similar word (trigram word
/// similarity) in their name or email; or whose company (name or domain) is similar to the text; or, when the text
/// looks like a phone number, whose phone contains its digits. Ranked best first: the mean over the text's words of
/// the person's best similarity to each, a company match at nine tenths of its similarity (so someone named like the
/// text comes before someone who merely works there), and a phone match above all; ties in id order.
/// The words come from the tenant's vocabulary and their bearers from <c>person_words</c> (the SearchWords
/// migration), so a common name costs an index range of its bearers, never a read of each person.
/// </summary>
public static class PeopleSearch
{
    /// <summary>A person's phone, digits only; the Search migration indexes exactly this expression.</summary>
    public const string PhoneDigits = "regexp_replace(coalesce(p.phone, ''), '[^0-9]', '', 'g')";

    public static Task<Page<PersonResponse>> ReadAsync(ContactsDb db, SearchQuery query, CancellationToken cancellationToken)
    {
        var (hits, parameters) = Hits(db, query, paged: true);
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
    /// in a transaction after <see cref="RankedSearch.UseSearchSettingsAsync"/>, which sets the similarity the search matches by.
    /// </summary>
    public static IQueryable<Person> Matching(ContactsDb db, SearchQuery query)
    {
        // The SQL is built from constants only; the search text and the tenant go in as parameters.
        var (hits, parameters) = Hits(db, query, paged: false);
        var sql = $"SELECT hits.id AS \"Value\" FROM ({hits}) AS hits";
        var ids = db.Database.SqlQueryRaw<Guid>(sql, [.. parameters]);
        return db.People.Where(person => ids.Contains(person.Id));
    }

    /// <summary>
    /// A SELECT of (id, rank) for the people of the tenant the search finds, and its parameters. For a page
    /// (<paramref name="paged"/>) it leaves out people who cannot be on it.
    /// </summary>
    private static (string Sql, List<NpgsqlParameter> Parameters) Hits(ContactsDb db, SearchQuery query, bool paged)
    {
        var phone = query.PhoneDigits;
        var terms = query.Terms;
        var firstPage = paged && query.After is null;
        var firstPageOfOneWord = firstPage && terms.Count == 1;

        // Each way of matching is its own arm with its own index (an OR across them could use none), and a person
        // found by more than one takes the best of their ranks. The bearers are looked up by an array of the
        // similar words: joined to them directly, the planner (which cannot tell that a trigram lookup finds a
        // handful of words) read every bearer of every word of the tenant.
        //
        // The first page of a one-word search reads only the first bearers of each similar word: all bearers of a
        // word share its rank, so nobody beyond a word's first page-length of bearers (in id order) can be on the
        // page, and a short misspelling matching some 90,000 people at 0.4 ("meer": me, mei, meyer, melissa, ...)
        // costs a few hundred index entries. Each of them is then ranked by all their words. Later pages read every
        // bearer: rows already shown would take the places of others in each word's first bearers.
        var named = firstPageOfOneWord
            ? """
                alike AS (
                    SELECT w.word, word_similarity(@term, w.word) AS similarity
                    FROM search_words AS w WHERE w.tenant_id = @tenant AND @term <% w.word),
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
                    GROUP BY pw.person_id)
                """
            : $"""
                alike AS (
                    SELECT terms.term, w.word, word_similarity(terms.term, w.word) AS similarity
                    FROM unnest(@terms) AS terms(term) JOIN search_words AS w ON w.tenant_id = @tenant AND terms.term <% w.word),
                borne AS (
                    SELECT pw.person_id, alike.term, max(alike.similarity) AS similarity
                    FROM person_words AS pw JOIN alike ON alike.word = pw.word
                    WHERE pw.tenant_id = @tenant AND pw.word = ANY (ARRAY(SELECT word FROM alike))
                    GROUP BY pw.person_id, alike.term),
                named AS (
                    SELECT person_id AS id, avg(similarity) AS rank FROM borne
                    GROUP BY person_id HAVING count(*) = {terms.Count})
                """;

        // A short text can match hundreds of companies ("king" is in "consulting"), whose people rank below those
        // named like the text. A company ranked below the bar can place nobody on the page, and its people are not
        // read. On the first page the bar is the rank of the page's last row among those found by name (each ranks
        // at least that high in the end). On later pages only names ranked 0.9 or more count, above any company, so
        // that is their final rank and they are surely after the cursor, unless a phone match (ranked above all)
        // moved them before it: a phone-like text sets no bar there.
        var bar = !paged || (!firstPage && phone is not null)
            ? "0"
            : $"""
                (SELECT coalesce((
                    SELECT named.rank FROM named
                    {(firstPage ? "" : $"WHERE named.rank >= 0.9 AND {RankedSearch.After(query, "named.rank", "named.id")}")}
                    ORDER BY named.rank DESC, named.id
                    OFFSET @take - 1 LIMIT 1), 0))
                """;

        var hits = $"""
            WITH {named},
            found AS (
                SELECT c.id, word_similarity(@q, {CompanySearch.CompanyText}) AS similarity
                FROM companies AS c
                WHERE c.tenant_id = @tenant AND @q <% {CompanySearch.CompanyText}),
            employed AS (
                SELECT p.id, 0.9 * found.similarity AS rank
                FROM found JOIN people AS p ON p.company_id = found.id AND p.tenant_id = @tenant
                WHERE 0.9 * found.similarity >= {bar})
            SELECT id, max(rank)::double precision AS rank FROM (
                SELECT id, rank FROM named
                UNION ALL
                SELECT id, rank FROM employed
                {(phone is null ? "" : $"""
                    UNION ALL
                    SELECT p.id, {RankedSearch.PhoneMatchRank}
                    FROM people AS p
                    WHERE p.tenant_id = @tenant AND {PhoneDigits} LIKE @phone
                    """)}) AS ranked
            GROUP BY id
            """;
        var parameters = RankedSearch.Parameters(
            db,
            query,
            [
                firstPageOfOneWord
                    ? new NpgsqlParameter("term", NpgsqlDbType.Text) { Value = terms[0] }
                    : new NpgsqlParameter("terms", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = terms.ToArray() },
                .. phone is null ? Array.Empty<NpgsqlParameter>() : [new NpgsqlParameter("phone", NpgsqlDbType.Text) { Value = $"%{phone}%" }],
            ]);
        if (paged)
        {
            parameters.Add(RankedSearch.Take(query));
        }

        return (hits, parameters);
    }
}
