using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using CrmCloud.Support.Features.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Support.Features.Knowledge;

public sealed record ArticleHit(KbArticleResponse Article, double Rank);

public sealed record ArticleHits(IReadOnlyList<ArticleHit> Items);

/// <summary>
/// Ranked full-text search over the tenant's articles (PostgreSQL's English text search on a weighted, GIN-indexed
/// vector), and suggestions for a ticket: any of the ticket's words may match, so the article sharing the most
/// (and the rarest, title first) comes first.
/// </summary>
public static class KnowledgeSearch
{
    private const int MaxHits = 50;

    private sealed record Hit(Guid Id, double Rank);

    public static IEndpointRouteBuilder MapKnowledgeSearch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/kb-articles/search", Search)
            .WithTags("Knowledge base")
            .RequireScope(Scopes.Read("support"))
            .WithName("SearchKbArticles")
            .WithSummary("Search the knowledge base")
            .WithDescription(
                "q in web-search syntax (words must all match; \"quoted phrase\", or, -excluded), best match first with its rank; "
                + $"?status=draft|published, ?category=, ?limit= up to {MaxHits} (default 10).")
            .ProducesValidationProblem();

        app.MapGet("/api/v1/tickets/{id:guid}/suggested-articles", Suggest)
            .WithTags("Tickets")
            .RequireScope(Scopes.Read("support"))
            .WithName("SuggestKbArticles")
            .WithSummary("Published articles that may answer a ticket")
            .WithDescription($"Ranked by how well they match the ticket's subject and conversation; ?limit= up to {MaxHits} (default 5).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<ArticleHits>, ValidationProblem>> Search(
        string? q, string? status, string? category, int? limit, SupportDb db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var text = errors.Required("q", q, 500);
        var wanted = status is null ? (ArticleStatus?)null : TicketRequests.Parse("status", status, ArticleStatus.Published, errors);
        if (limit is < 1 or > MaxHits)
        {
            errors.Add("limit", $"The limit must be between 1 and {MaxHits}.");
        }

        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var statusName = wanted is { } s ? WireNames<ArticleStatus>.Of(s) : null;
        var hits = await db.Database.SqlQuery<Hit>(
            $"""
            SELECT a.id, ts_rank_cd(a.search_vector, query)::float8 AS rank
            FROM kb_articles a, websearch_to_tsquery('english', {text}) AS query
            WHERE a.tenant_id = {db.Tenant.TenantId} AND a.search_vector @@ query
              AND ({statusName}::text IS NULL OR a.status = {statusName}) AND ({category}::text IS NULL OR a.category = {category})
            ORDER BY rank DESC, a.id
            LIMIT {limit ?? 10}
            """).ToListAsync(cancellationToken);
        return TypedResults.Ok(await LoadAsync(db, hits, cancellationToken));
    }

    private static async Task<Results<Ok<ArticleHits>, ValidationProblem, ProblemHttpResult>> Suggest(Guid id, int? limit, SupportDb db, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxHits)
        {
            return ApiProblems.Invalid(new Dictionary<string, string[]> { ["limit"] = [$"The limit must be between 1 and {MaxHits}."] });
        }

        var ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (ticket is null)
        {
            return ApiProblems.NotFound("ticket", id);
        }

        var conversation = await db.TicketMessages.AsNoTracking().Where(m => m.TicketId == id).OrderBy(m => m.Id).Take(20).Select(m => m.Body).ToListAsync(cancellationToken);
        var text = string.Join('\n', conversation.Prepend(ticket.Subject));
        if (text.Length > 20_000)
        {
            text = text[..20_000];
        }

        // Any of the ticket's words may match (an OR of its lexemes): a ticket is a description, not a query.
        var hits = await db.Database.SqlQuery<Hit>(
            $"""
            WITH words AS (
                SELECT to_tsquery('english', string_agg(quote_literal(lexeme), ' | ')) AS query
                FROM unnest(tsvector_to_array(to_tsvector('english', {text}))) AS lexeme
            )
            SELECT a.id, ts_rank(a.search_vector, words.query)::float8 AS rank
            FROM kb_articles a, words
            WHERE a.tenant_id = {db.Tenant.TenantId} AND a.status = 'published' AND a.search_vector @@ words.query
            ORDER BY rank DESC, a.id
            LIMIT {limit ?? 5}
            """).ToListAsync(cancellationToken);
        return TypedResults.Ok(await LoadAsync(db, hits, cancellationToken));
    }

    private static async Task<ArticleHits> LoadAsync(SupportDb db, List<Hit> hits, CancellationToken cancellationToken)
    {
        var ids = hits.Select(h => h.Id).ToList();
        var articles = await db.KbArticles.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        return new ArticleHits([.. hits.Where(h => articles.ContainsKey(h.Id)).Select(h => new ArticleHit(KbArticleResponse.From(articles[h.Id]), Math.Round(h.Rank, 6)))]);
    }
}
