using System.Security.Claims;
using System.Text.Json.Serialization;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using CrmCloud.Support.Features.Sla;
using CrmCloud.Support.Features.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Support.Features.Inbound;

/// <summary>
/// A parsed inbound email as a mail gateway hands it over: the sender, subject and plain text, its Message-ID, and the
/// ids it answers (In-Reply-To, References), which thread it into the ticket that mail belongs to.
/// </summary>
public sealed record InboundEmailRequest(string? From, string? FromName, string? Subject, string? Text, string? MessageId, string? InReplyTo, List<string?>? References);

public enum InboundOutcome
{
    /// <summary>A new ticket was opened.</summary>
    [JsonStringEnumMemberName("opened")]
    Opened,

    /// <summary>The mail answers an existing ticket and joined its conversation.</summary>
    [JsonStringEnumMemberName("threaded")]
    Threaded,

    /// <summary>This mail was received before: nothing changed.</summary>
    [JsonStringEnumMemberName("duplicate")]
    Duplicate,
}

public sealed record InboundEmailResponse(Guid TicketId, string TicketNumber, Guid MessageId, InboundOutcome Outcome);

public static class InboundEmail
{
    private const int MessageIdLength = 998;

    public static RouteGroupBuilder MapInbound(this IEndpointRouteBuilder app)
    {
        var inbound = app.MapGroup("/api/v1/inbound").WithTags("Inbound channels");
        inbound.MapPost("/email", Receive)
            .RequireScope(Scopes.Write("support"))
            .WithName("ReceiveInboundEmail")
            .WithSummary("Take in a parsed inbound email")
            .WithDescription(
                "from (the sender's address, required), fromName, subject, text (required), messageId (the Message-ID, required), inReplyTo and "
                + "references (Message-IDs it answers). A mail answering a ticket's mail joins that ticket's conversation (200, outcome threaded; a "
                + "solved or pending ticket opens again); otherwise it opens a ticket (201, outcome opened). The same messageId again changes nothing "
                + "(200, outcome duplicate), however often the gateway retries.")
            .Accepts<InboundEmailRequest>("application/json")
            .Produces<InboundEmailResponse>(StatusCodes.Status201Created)
            .Produces<InboundEmailResponse>()
            .ProducesValidationProblem();
        return inbound;
    }

    private static async Task<Results<Created<InboundEmailResponse>, Ok<InboundEmailResponse>, ValidationProblem>> Receive(
        InboundEmailRequest request, SupportDb db, TimeProvider time, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var from = errors.Email("from", request.From)?.ToLowerInvariant();
        if (from is null && !errors.ToDictionary().ContainsKey("from"))
        {
            errors.Add("from", "This field is required.");
        }

        var fromName = errors.Optional("fromName", request.FromName, 200);
        var subject = errors.Optional("subject", request.Subject, TicketRequests.SubjectLength) ?? "(no subject)";
        var text = errors.Required("text", request.Text, TicketRequests.BodyLength);
        var messageId = MessageIdOf(errors.Required("messageId", request.MessageId, MessageIdLength));
        string[] answers = [.. new[] { request.InReplyTo }.Concat(request.References ?? []).Select(MessageIdOf).OfType<string>().Distinct()];
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        if (await DuplicateAsync(db, messageId!, cancellationToken) is { } duplicate)
        {
            return TypedResults.Ok(duplicate);
        }

        var now = time.GetUtcNow();
        var actor = user.FindFirstValue(CrmClaims.Subject) ?? "inbound-email";
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var threadTicketId = answers.Length == 0
            ? null
            : await db.TicketMessages.Where(m => m.EmailMessageId != null && answers.Contains(m.EmailMessageId)).OrderByDescending(m => m.Id).Select(m => (Guid?)m.TicketId).FirstOrDefaultAsync(cancellationToken);
        var thread = threadTicketId is { } threadId ? await db.Tickets.FirstOrDefaultAsync(t => t.Id == threadId && t.Status != TicketStatus.Closed, cancellationToken) : null;

        Ticket ticket;
        Guid written;
        if (thread is not null)
        {
            ticket = thread;
            var terms = await SlaTerms.ResolveAsync(db, ticket.ServiceTier, ticket.Priority, cancellationToken);
            List<TicketChange> audit = [];
            var events = ticket.Converse(MessageVisibility.Public, fromRequester: true, terms, actor, now, audit);
            var message = TicketMessage.Write(db.Tenant.TenantId, ticket.Id, MessageVisibility.Public, text!, null, from, TicketChannel.Email, messageId, now);
            db.TicketMessages.Add(message);
            TicketEndpoints.Record(db, audit, events);
            written = message.Id;
        }
        else
        {
            var opening = new TicketOpeningRequest(
                new TicketEdit(subject, TicketPriority.Normal, TicketStatus.New, null, null, null, []), text, null, from, fromName, TicketChannel.Email, TicketKind.Reactive);
            (ticket, var first) = await TicketOpening.OpenAsync(db, opening, new OpeningMessage(text!, MessageVisibility.Public, null, from, messageId), Ids.New(), null, actor, now, cancellationToken);
            written = first!.Id;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation() || exception is DbUpdateConcurrencyException)
        {
            // The same mail arrived twice at once: the other delivery stored it.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            if (await DuplicateAsync(db, messageId!, cancellationToken) is { } stored)
            {
                return TypedResults.Ok(stored);
            }

            throw;
        }

        if (thread is not null)
        {
            return TypedResults.Ok(new InboundEmailResponse(ticket.Id, ticket.Number, written, InboundOutcome.Threaded));
        }

        return TypedResults.Created($"/api/v1/tickets/{ticket.Id}", new InboundEmailResponse(ticket.Id, ticket.Number, written, InboundOutcome.Opened));
    }

    private static async Task<InboundEmailResponse?> DuplicateAsync(SupportDb db, string messageId, CancellationToken cancellationToken) =>
        await db.TicketMessages.AsNoTracking()
            .Where(m => m.EmailMessageId == messageId)
            .Join(db.Tickets, m => m.TicketId, t => t.Id, (m, t) => new InboundEmailResponse(t.Id, t.Number, m.Id, InboundOutcome.Duplicate))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>A Message-ID without its angle brackets and surrounding space: <c>&lt;abc@mail&gt;</c> and <c>abc@mail</c> are the same mail.</summary>
    private static string? MessageIdOf(string? value) => value?.Trim().Trim('<', '>').Trim() is { Length: > 0 } id ? id : null;
}
