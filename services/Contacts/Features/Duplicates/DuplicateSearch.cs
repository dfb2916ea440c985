using CrmCloud.Contacts.Features.People;
using CrmCloud.Contacts.Features.Search;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CrmCloud.Contacts.Features.Duplicates;

/// <summary>One likely duplicate of a person: who, how strongly (0 to 1) and by which rules.</summary>
public sealed record DuplicateResponse(PersonResponse Person, double Score, IReadOnlyList<string> Reasons);

/// <summary>The likely duplicates of a person, strongest first.</summary>
public sealed record DuplicatesResponse(IReadOnlyList<DuplicateResponse> Items);

/// <summary>
/// Finds the other people of the tenant who are likely the same person as a given one:
/// the same email ignoring case (<see cref="SameEmail"/>, score 1), the same phone digits, at least
/// <see cref="MinPhoneDigits"/> of them (<see cref="SamePhone"/>, 0.9), or a trigram-similar name ("first last",
/// similarity at least <see cref="NameThreshold"/>) at the same company (<see cref="SimilarNameSameCompany"/>, the
/// similarity times 0.8). A person matching several rules appears once, with every reason and the highest score.
/// The SQL is raw, so it filters <c>tenant_id</c> by the <c>@tenant</c> parameter itself; the people are then read
/// through the DbContext, whose tenant filter applies again.
/// </summary>
public static class DuplicateSearch
{
    public const string SameEmail = "same-email";
    public const string SamePhone = "same-phone";
    public const string SimilarNameSameCompany = "similar-name-same-company";

    /// <summary>At most this many duplicates are returned.</summary>
    public const int MaxResults = 20;

    /// <summary>Fewer phone digits than this are too unspecific to call two people the same.</summary>
    public const int MinPhoneDigits = 6;

    /// <summary>The least trigram similarity of two names for them to count as similar.</summary>
    public const double NameThreshold = 0.6;

    private const string NameText = "lower(p.first_name || ' ' || p.last_name)";

    /// <summary>The person read from the table, for the duplicates of a stored person.</summary>
    private const string StoredTarget = $"""
        SELECT p.id,
               lower(p.email) AS email,
               {PeopleSearch.PhoneDigits} AS phone,
               {NameText} AS name,
               p.company_id
        FROM people AS p
        WHERE p.tenant_id = @tenant AND p.id = @id
        """;

    /// <summary>The person described by parameters, for the duplicates a create would make.</summary>
    private const string DescribedTarget = """
        SELECT @id AS id,
               lower(@email) AS email,
               regexp_replace(coalesce(@phone, ''), '[^0-9]', '', 'g') AS phone,
               lower(@first_name || ' ' || @last_name) AS name,
               @company_id AS company_id
        """;

    private static readonly string StoredSql = Sql(StoredTarget);

    private static readonly string DescribedSql = Sql(DescribedTarget);

    // Each rule is its own arm of the union, matched against the one person in "target"; the outer query
    // merges a candidate's arms into one row with its highest score and all its reasons.
    private static string Sql(string target) => $"""
        WITH target AS ({target}),
        matches AS (
            SELECT p.id, '{SameEmail}' AS reason, 1.0::double precision AS score
            FROM people AS p, target AS t
            WHERE p.tenant_id = @tenant AND p.id <> t.id
              AND t.email IS NOT NULL AND t.email <> '' AND lower(p.email) = t.email
            UNION ALL
            SELECT p.id, '{SamePhone}', 0.9::double precision
            FROM people AS p, target AS t
            WHERE p.tenant_id = @tenant AND p.id <> t.id
              AND length(t.phone) >= @min_phone_digits AND {PeopleSearch.PhoneDigits} = t.phone
            UNION ALL
            SELECT p.id, '{SimilarNameSameCompany}', 0.8 * similarity({NameText}, t.name)::double precision
            FROM people AS p, target AS t
            WHERE p.tenant_id = @tenant AND p.id <> t.id
              AND t.company_id IS NOT NULL AND p.company_id = t.company_id
              AND similarity({NameText}, t.name) >= @name_threshold
        )
        SELECT m.id AS id,
               max(m.score) AS score,
               string_agg(m.reason, ',' ORDER BY m.score DESC, m.reason) AS reasons
        FROM matches AS m
        GROUP BY m.id
        ORDER BY max(m.score) DESC, m.id
        LIMIT @take
        """;

    /// <summary>The duplicates of <paramref name="id"/>, a person of the tenant (check that first), strongest first.</summary>
    public static async Task<DuplicatesResponse> ReadAsync(ContactsDb db, Guid id, CancellationToken cancellationToken)
    {
        NpgsqlParameter[] parameters =
        [
            new("tenant", NpgsqlDbType.Varchar) { Value = db.Tenant.TenantId },
            new("id", NpgsqlDbType.Uuid) { Value = id },
            new("min_phone_digits", NpgsqlDbType.Integer) { Value = MinPhoneDigits },
            new("name_threshold", NpgsqlDbType.Real) { Value = (float)NameThreshold },
            new("take", NpgsqlDbType.Integer) { Value = MaxResults },
        ];
        return await ReadAsync(db, StoredSql, parameters, cancellationToken);
    }

    /// <summary>The people of the tenant a person with <paramref name="details"/> would duplicate, strongest first.</summary>
    public static async Task<DuplicatesResponse> ReadAsync(ContactsDb db, PersonDetails details, CancellationToken cancellationToken)
    {
        NpgsqlParameter[] parameters =
        [
            new("tenant", NpgsqlDbType.Varchar) { Value = db.Tenant.TenantId },
            new("id", NpgsqlDbType.Uuid) { Value = Guid.Empty },
            new("email", NpgsqlDbType.Text) { Value = (object?)details.Email ?? DBNull.Value },
            new("phone", NpgsqlDbType.Text) { Value = (object?)details.Phone ?? DBNull.Value },
            new("first_name", NpgsqlDbType.Text) { Value = details.FirstName },
            new("last_name", NpgsqlDbType.Text) { Value = details.LastName },
            new("company_id", NpgsqlDbType.Uuid) { Value = (object?)details.CompanyId ?? DBNull.Value },
            new("min_phone_digits", NpgsqlDbType.Integer) { Value = MinPhoneDigits },
            new("name_threshold", NpgsqlDbType.Real) { Value = (float)NameThreshold },
            new("take", NpgsqlDbType.Integer) { Value = MaxResults },
        ];
        return await ReadAsync(db, DescribedSql, parameters, cancellationToken);
    }

    private static async Task<DuplicatesResponse> ReadAsync(ContactsDb db, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        var hits = await db.Database.SqlQueryRaw<DuplicateHit>(sql, parameters).ToListAsync(cancellationToken);
        if (hits.Count == 0)
        {
            return new DuplicatesResponse([]);
        }

        var ids = hits.Select(hit => hit.Id).ToList();
        var people = await db.People.AsNoTracking().Where(person => ids.Contains(person.Id)).ToDictionaryAsync(person => person.Id, cancellationToken);

        // A person deleted between the two reads is left out.
        return new DuplicatesResponse(
        [
            .. hits
                .Where(hit => people.ContainsKey(hit.Id))
                .Select(hit => new DuplicateResponse(PersonResponse.From(people[hit.Id]), hit.Score, hit.Reasons.Split(','))),
        ]);
    }
}

/// <summary>One row of the duplicate search: the candidate, its best score and its reasons, comma-separated.</summary>
public sealed record DuplicateHit(Guid Id, double Score, string Reasons);
