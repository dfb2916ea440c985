using System.Security.Claims;
using System.Text.RegularExpressions;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using CrmCloud.Support.Features.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Support.Features.CannedResponses;

/// <summary>A reply agents send again and again, with placeholders such as <c>{{requester.firstName}}</c> filled from the ticket.</summary>
public sealed class CannedResponse : VersionedResource<CannedResponseDetails>
{
    private CannedResponse()
    {
    }

    public static CannedResponse Create(string tenantId, Guid id, CannedResponseDetails details, DateTimeOffset now)
    {
        var canned = new CannedResponse();
        canned.Initialize(tenantId, id, details, now);
        return canned;
    }
}

public sealed record CannedResponseDetails(string Title, string Body, string? Category);

public sealed record CannedResponseRequest(Guid? Id, string? Title, string? Body, string? Category);

public sealed record CannedResponseResponse(Guid Id, string Title, string Body, string? Category, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static CannedResponseResponse From(CannedResponse c) => new(c.Id, c.Details.Title, c.Details.Body, c.Details.Category, c.CreatedAt, c.UpdatedAt, c.Version);
}

public sealed record RenderRequest(Guid? TicketId);

public sealed record RenderedResponse(Guid CannedResponseId, Guid TicketId, string Body);

public static partial class CannedResponseRequests
{
    public const int BodyLength = 20_000;

    /// <summary>What a placeholder may name.</summary>
    public static readonly IReadOnlyList<string> Placeholders =
        ["ticket.number", "ticket.subject", "ticket.status", "ticket.priority", "requester.name", "requester.firstName", "requester.email", "agent.id"];

    public static readonly ResourceShape<CannedResponse, CannedResponseDetails, CannedResponseRequest, CannedResponseResponse> Shape = new(
        "/api/v1/canned-responses",
        "canned response",
        "Canned responses",
        $"title and body required, category optional. The body may hold placeholders {{{{name}}}} for: {string.Join(", ", Placeholders)}; "
        + "POST /api/v1/canned-responses/{id}/render with a ticketId fills them.",
        db => db.CannedResponses,
        (request, _, _, errors, _) => Task.FromResult(Validate(request, errors)),
        d => new CannedResponseRequest(null, d.Title, d.Body, d.Category),
        CannedResponse.Create,
        CannedResponseResponse.From,
        request => request.Id);

    public static RouteGroupBuilder MapCannedResponses(this IEndpointRouteBuilder app)
    {
        var group = app.MapResource(Shape);
        group.MapPost("/{id:guid}/render", Render)
            .RequireScope(Scopes.Read("support"))
            .WithName("RenderCannedResponse")
            .WithSummary("Fill a canned response for a ticket")
            .WithDescription("The body with its placeholders filled from the ticket (ticketId, required), its requester and the calling agent; a value support does not know is left empty.")
            .Accepts<RenderRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static CannedResponseDetails? Validate(CannedResponseRequest request, FieldErrors errors)
    {
        var title = errors.Required("title", request.Title, 200);
        var body = errors.Required("body", request.Body, BodyLength);
        var category = errors.Optional("category", request.Category, 100);
        if (body is not null)
        {
            var unknown = PlaceholderPattern().Matches(body).Select(m => m.Groups[1].Value).Where(name => !Placeholders.Contains(name)).Distinct().ToList();
            if (unknown.Count > 0)
            {
                errors.Add("body", $"Unknown placeholders: {string.Join(", ", unknown)}. Known: {string.Join(", ", Placeholders)}.");
            }
        }

        return errors.IsEmpty ? new CannedResponseDetails(title!, body!, category) : null;
    }

    private static async Task<Results<Ok<RenderedResponse>, ValidationProblem, ProblemHttpResult>> Render(
        Guid id, RenderRequest? request, SupportDb db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request?.TicketId is not { } ticketId)
        {
            return ApiProblems.Invalid(new Dictionary<string, string[]> { ["ticketId"] = ["This field is required."] });
        }

        var canned = await db.CannedResponses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (canned is null)
        {
            return ApiProblems.NotFound("canned response", id);
        }

        var ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == ticketId, cancellationToken);
        if (ticket is null)
        {
            return ApiProblems.NotFound("ticket", ticketId);
        }

        var requester = ticket.RequesterPersonId is { } person
            ? await db.Requesters.AsNoTracking().FirstOrDefaultAsync(r => r.PersonId == person && !r.IsDeleted, cancellationToken)
            : null;
        var name = requester?.Name is { Length: > 0 } known ? known : ticket.RequesterName ?? "";
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ticket.number"] = ticket.Number,
            ["ticket.subject"] = ticket.Subject,
            ["ticket.status"] = WireNames<Tickets.TicketStatus>.Of(ticket.Status),
            ["ticket.priority"] = WireNames<Tickets.TicketPriority>.Of(ticket.Priority),
            ["requester.name"] = name,
            ["requester.firstName"] = name.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "",
            ["requester.email"] = requester?.Email ?? ticket.RequesterEmail ?? "",
            ["agent.id"] = user.FindFirstValue(CrmClaims.Subject) ?? "",
        };
        var body = PlaceholderPattern().Replace(canned.Details.Body, match => values.GetValueOrDefault(match.Groups[1].Value, ""));
        return TypedResults.Ok(new RenderedResponse(id, ticketId, body));
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z.]+)\s*\}\}")]
    private static partial Regex PlaceholderPattern();
}

internal sealed class CannedResponseConfiguration : IEntityTypeConfiguration<CannedResponse>
{
    public void Configure(EntityTypeBuilder<CannedResponse> canned)
    {
        canned.ToTable("canned_responses");
        canned.HasKey(c => c.Id);
        canned.Property(c => c.Id).ValueGeneratedNever();
        canned.Property(c => c.Version).IsConcurrencyToken();
        canned.HasIndex(c => new { c.TenantId, c.Id });
        canned.ComplexProperty(c => c.Details, details =>
        {
            details.Property(d => d.Title).HasColumnName("title").HasMaxLength(200);
            details.Property(d => d.Body).HasColumnName("body").HasMaxLength(CannedResponseRequests.BodyLength);
            details.Property(d => d.Category).HasColumnName("category").HasMaxLength(100);
        });
    }
}
