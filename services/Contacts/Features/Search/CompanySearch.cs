using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CrmCloud.Contacts.Features.Search;

/// <summary>
/// <c>GET /api/v1/companies?q=</c>: companies whose name or domain is similar to the text by trigram word
/// similarity, ranked best first. <c>?name=</c> still keeps only those with exactly that name.
/// </summary>
public static class CompanySearch
{
    /// <summary>The text a company is found by; the CompanySearchByTenant migration indexes exactly this expression, after the tenant.</summary>
    public const string CompanyText = "lower(c.name || ' ' || coalesce(c.domain, ''))";

    public static Task<Page<CompanyResponse>> ReadAsync(ContactsDb db, SearchQuery query, string? name, CancellationToken cancellationToken)
    {
        var exactName = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        var hits = $"""
            SELECT c.id, word_similarity(@q, {CompanyText})::double precision AS rank
            FROM companies AS c
            WHERE c.tenant_id = @tenant
              AND @q <% {CompanyText}
              {(exactName is null ? "" : "AND lower(c.name) = lower(@name)")}
            """;
        var parameters = exactName is null
            ? RankedSearch.Parameters(db, query)
            : RankedSearch.Parameters(db, query, new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = exactName });
        parameters.Add(RankedSearch.Take(query));

        return RankedSearch.ReadAsync(
            db,
            query,
            RankedSearch.Paged(hits, query),
            parameters,
            (ids, cancel) => db.Companies.AsNoTracking().Where(company => ids.Contains(company.Id)).ToListAsync(cancel),
            company => company.Id,
            CompanyResponse.From,
            cancellationToken);
    }
}
