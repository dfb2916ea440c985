using System.Security.Cryptography;
using CrmCloud.Contracts.Support;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using CrmCloud.Support.Features.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Support.Features.Satisfaction;

/// <summary>
/// The survey a solved ticket's requester answers through a link: its token (256 random bits) is the only credential,
/// names the tenant and the ticket, and takes one rating.
/// </summary>
public sealed class SatisfactionSurvey : ITenantOwned
{
    private SatisfactionSurvey()
    {
    }

    public string Token { get; private set; } = "";

    public string TenantId { get; private set; } = "";

    public Guid TicketId { get; private set; }

    public DateTimeOffset IssuedAt { get; private set; }

    public int? Rating { get; private set; }

    public string? Comment { get; private set; }

    public DateTimeOffset? RatedAt { get; private set; }

    public static SatisfactionSurvey IssueFor(Ticket ticket, DateTimeOffset now) => new()
    {
        Token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        TenantId = ticket.TenantId,
        TicketId = ticket.Id,
        IssuedAt = now,
    };

    /// <summary>Issues the ticket's survey when it has just been solved for the first time.</summary>
    public static async Task IssueWhenSolvedAsync(SupportDb db, Ticket ticket, DateTimeOffset? solvedBefore, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (solvedBefore is null && ticket.SolvedAt is not null && !await db.SatisfactionSurveys.AnyAsync(s => s.TicketId == ticket.Id, cancellationToken))
        {
            db.SatisfactionSurveys.Add(IssueFor(ticket, now));
        }
    }
}

public sealed record RatingRequest(int? Rating, string? Comment);

public sealed record SurveyResponse(Guid TicketId, string Token, DateTimeOffset IssuedAt, int? Rating, string? Comment, DateTimeOffset? RatedAt)
{
    public static SurveyResponse From(SatisfactionSurvey s) => new(s.TicketId, s.Token, s.IssuedAt, s.Rating, s.Comment, s.RatedAt);
}

public sealed record RatingResponse(Guid TicketId, int Rating, string? Comment, DateTimeOffset RatedAt);

public static class SatisfactionEndpoints
{
    public const int CommentLength = 2000;

    public static IEndpointRouteBuilder MapSatisfaction(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/tickets/{id:guid}/satisfaction", Get)
            .WithTags("Tickets")
            .RequireScope(Scopes.Read("support"))
            .WithName("GetTicketSatisfaction")
            .WithSummary("The satisfaction survey of a solved ticket")
            .WithDescription("The survey issued when the ticket was solved: the token for the requester's link (POST /api/v1/csat/{token}) and, once given, the rating and comment. 404 before the ticket is solved.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost("/api/v1/csat/{token}", Rate)
            .WithTags("Satisfaction")
            .AllowAnonymous()
            .WithName("RateTicket")
            .WithSummary("Rate how a ticket was handled (public, by survey token)")
            .WithDescription(
                $"Needs no credentials: the token from the survey link names the ticket. rating 1 (poor) to 5 (great), comment optional (up to {CommentLength} characters). "
                + "A survey takes one rating: a second answer gets 409. Publishes SatisfactionRated.")
            .Accepts<RatingRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<Ok<SurveyResponse>, ProblemHttpResult>> Get(Guid id, SupportDb db, CancellationToken cancellationToken) =>
        await db.SatisfactionSurveys.AsNoTracking().FirstOrDefaultAsync(s => s.TicketId == id, cancellationToken) is { } survey
            ? TypedResults.Ok(SurveyResponse.From(survey))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The survey was not found.", detail: $"Ticket {id} has no survey: it is not solved, or not this tenant's.");

    private static async Task<Results<Ok<RatingResponse>, ValidationProblem, ProblemHttpResult>> Rate(
        string token, RatingRequest? request, SupportDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request?.Rating is not (>= 1 and <= 5))
        {
            errors.Add("rating", "A whole number from 1 (poor) to 5 (great).");
        }

        var comment = errors.Optional("comment", request?.Comment, CommentLength);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        // The caller has no credentials: the tenant is the survey's own.
        var tenantId = token.Length is > 0 and <= 64
            ? await db.SatisfactionSurveys.IgnoreQueryFilters().Where(s => s.Token == token).Select(s => s.TenantId).FirstOrDefaultAsync(cancellationToken)
            : null;
        if (tenantId is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The survey was not found.", detail: "No survey has this token.");
        }

        db.Tenant.Use(tenantId);
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rated = await db.SatisfactionSurveys
            .Where(s => s.Token == token && s.RatedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Rating, request!.Rating).SetProperty(x => x.Comment, comment).SetProperty(x => x.RatedAt, now), cancellationToken);
        if (rated == 0)
        {
            return ApiProblems.Conflict("The survey was answered already.", "A survey takes one rating.");
        }

        var survey = await db.SatisfactionSurveys.AsNoTracking().FirstAsync(s => s.Token == token, cancellationToken);
        var ticket = await db.Tickets.AsNoTracking().FirstAsync(t => t.Id == survey.TicketId, cancellationToken);
        db.Publish(new SatisfactionRated(tenantId, ticket.Id, ticket.Number, ticket.RequesterPersonId, request!.Rating!.Value, comment, now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new RatingResponse(ticket.Id, request.Rating.Value, comment, now));
    }
}

internal sealed class SatisfactionSurveyConfiguration : IEntityTypeConfiguration<SatisfactionSurvey>
{
    public void Configure(EntityTypeBuilder<SatisfactionSurvey> survey)
    {
        survey.ToTable("satisfaction_surveys");
        survey.HasKey(s => s.Token);
        survey.Property(s => s.Token).HasMaxLength(64);
        survey.HasIndex(s => new { s.TenantId, s.TicketId }).IsUnique();
        survey.Property(s => s.Comment).HasMaxLength(SatisfactionEndpoints.CommentLength);
    }
}
