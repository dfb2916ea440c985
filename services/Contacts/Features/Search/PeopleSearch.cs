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
/// someone named like the text comes before someone who merely works there), and a phone match above all.
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
        // Each way of matching is its own arm, so each can use its index (an OR across them cannot); the outer
        // query keeps the tenant's people and ranks them.
        var hits = $"""
            SELECT p.id,
                   greatest(
                       word_similarity(@q, {PersonText}),
                       0.9 * coalesce(word_similarity(@q, {CompanySearch.CompanyText}), 0)
                       {(phone is null ? "" : $", CASE WHEN {PhoneDigits} LIKE @phone THEN {RankedSearch.PhoneMatchRank} ELSE 0 END")}
                   )::double precision AS rank
            FROM people AS p
            LEFT JOIN companies AS c ON c.id = p.company_id AND c.tenant_id = p.tenant_id
            WHERE p.tenant_id = @tenant
              AND p.id IN (
                  SELECT p.id FROM people AS p WHERE p.tenant_id = @tenant AND @q <% {PersonText}
                  UNION ALL
                  SELECT p.id FROM people AS p JOIN companies AS c ON c.id = p.company_id AND c.tenant_id = p.tenant_id
                  WHERE c.tenant_id = @tenant AND @q <% {CompanySearch.CompanyText}
                  {(phone is null ? "" : $"UNION ALL SELECT p.id FROM people AS p WHERE p.tenant_id = @tenant AND {PhoneDigits} LIKE @phone")})
            """;
        var parameters = phone is null
            ? RankedSearch.Parameters(db, query)
            : RankedSearch.Parameters(db, query, new NpgsqlParameter("phone", NpgsqlDbType.Text) { Value = $"%{phone}%" });
        return (hits, parameters);
    }
}
