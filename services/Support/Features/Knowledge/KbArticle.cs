using System.Text.Json.Serialization;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Support.Features.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Support.Features.Knowledge;

/// <summary>
/// An answer written once for problems that come back. Only published articles are suggested for tickets; the
/// database keeps a weighted full-text vector of each (the title above the body) for ranked search.
/// </summary>
public sealed class KbArticle : VersionedResource<KbArticleDetails>
{
    private KbArticle()
    {
    }

    public static KbArticle Create(string tenantId, Guid id, KbArticleDetails details, DateTimeOffset now)
    {
        var article = new KbArticle();
        article.Initialize(tenantId, id, details, now);
        return article;
    }
}

public enum ArticleStatus
{
    [JsonStringEnumMemberName("draft")]
    Draft,

    [JsonStringEnumMemberName("published")]
    Published,
}

public sealed record KbArticleDetails(string Title, string Body, string? Category, ArticleStatus Status);

public sealed record KbArticleRequest(Guid? Id, string? Title, string? Body, string? Category, string? Status);

public sealed record KbArticleResponse(Guid Id, string Title, string Body, string? Category, ArticleStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static KbArticleResponse From(KbArticle a) => new(a.Id, a.Details.Title, a.Details.Body, a.Details.Category, a.Details.Status, a.CreatedAt, a.UpdatedAt, a.Version);
}

public static class KbArticleRequests
{
    public const int TitleLength = 300;
    public const int BodyLength = 200_000;

    public static readonly ResourceShape<KbArticle, KbArticleDetails, KbArticleRequest, KbArticleResponse> Shape = new(
        "/api/v1/kb-articles",
        "knowledge base article",
        "Knowledge base",
        "title and body (plain text or Markdown) required; category optional; status draft (default) or published: only published articles are suggested for tickets.",
        db => db.KbArticles,
        (request, _, _, errors, _) => Task.FromResult(Validate(request, errors)),
        d => new KbArticleRequest(null, d.Title, d.Body, d.Category, WireNames<ArticleStatus>.Of(d.Status)),
        KbArticle.Create,
        KbArticleResponse.From,
        request => request.Id);

    private static KbArticleDetails? Validate(KbArticleRequest request, FieldErrors errors)
    {
        var title = errors.Required("title", request.Title, TitleLength);
        var body = errors.Required("body", request.Body, BodyLength);
        var category = errors.Optional("category", request.Category, 100);
        var status = ArticleStatus.Draft;
        if (request.Status is not null && !WireNames<ArticleStatus>.TryParse(request.Status, out status))
        {
            errors.Add("status", $"One of: {string.Join(", ", WireNames<ArticleStatus>.All)}.");
        }

        return errors.IsEmpty ? new KbArticleDetails(title!, body!, category, status) : null;
    }
}

internal sealed class KbArticleConfiguration : IEntityTypeConfiguration<KbArticle>
{
    public void Configure(EntityTypeBuilder<KbArticle> article)
    {
        article.ToTable("kb_articles");
        article.HasKey(a => a.Id);
        article.Property(a => a.Id).ValueGeneratedNever();
        article.Property(a => a.Version).IsConcurrencyToken();
        article.HasIndex(a => new { a.TenantId, a.Id });
        article.ComplexProperty(a => a.Details, details =>
        {
            details.Property(d => d.Title).HasColumnName("title").HasMaxLength(KbArticleRequests.TitleLength);
            details.Property(d => d.Body).HasColumnName("body");
            details.Property(d => d.Category).HasColumnName("category").HasMaxLength(100);
            details.Property(d => d.Status).HasColumnName("status").HasMaxLength(16).HasConversion(WireNames<ArticleStatus>.Converter);
        });
    }
}
