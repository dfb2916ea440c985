using System.Security.Claims;
using System.Text.Json;
using CrmCloud.Contracts;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Support.Features.Dunning;
using CrmCloud.ServiceDefaults.Security;
using CrmCloud.Support.Features.Satisfaction;
using CrmCloud.Support.Features.Sla;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Support.Features.Tickets;

public static class TicketEndpoints
{
    private const string Resource = "ticket";

    private const string Shape =
        "subject (required); requesterPersonId (a person support knows from contacts) or requesterEmail (+ requesterName): an address no person has "
        + "yet becomes one in contacts by event and the ticket is linked to it moments later; companyId optional; channel email|phone|web|chat|api "
        + "(default api); kind reactive|proactive; priority low|normal|high|urgent (default normal); status new|open|pending|on-hold (default new); "
        + "assigneeId (a user id), group and tags optional. Due times come from the SLA policy of the customer's contract tier, in business hours; "
        + "pending and on-hold pause the clock.";

    public static RouteGroupBuilder MapTickets(this IEndpointRouteBuilder app)
    {
        var tickets = app.MapGroup("/api/v1/tickets").WithTags("Tickets");

        tickets.MapPost("/", Create)
            .RequireScope(Scopes.Write("support"))
            .WithName("CreateTicket")
            .WithSummary("Open a ticket")
            .WithDescription($"Opens a ticket with its description as the first message and publishes TicketOpened once the requester is a known person. {Shape} An id may be supplied for idempotent imports.")
            .Accepts<CreateTicketRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        tickets.MapGet("/{id:guid}", Get)
            .RequireScope(Scopes.Read("support"))
            .WithName("GetTicket")
            .WithSummary("Get a ticket")
            .WithDescription(
                "The ticket with its status, SLA due times (absent while the clock is paused or without a policy) and ETag; dunning (overdueInvoices, "
                + "amountDue per currency, oldestDueDate) when billing reports the requester or the company overdue on invoices, gone once they are paid.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        tickets.MapGet("/", List)
            .RequireScope(Scopes.Read("support"))
            .WithName("ListTickets")
            .WithSummary("List tickets")
            .WithDescription("Tickets in creation order, a page at a time. Filters: ?status=, ?priority=, ?channel=, ?assigneeId=, ?group=, ?requesterPersonId=, ?companyId=, ?tag=, ?q= (subject contains). Each ticket shows dunning as GetTicket does.")
            .ProducesValidationProblem();

        tickets.MapPatch("/{id:guid}", Update)
            .RequireScope(Scopes.Write("support"))
            .WithName("UpdateTicket")
            .WithSummary("Update a ticket (JSON merge patch)")
            .WithDescription(
                "Patchable: subject, priority, status, companyId, assigneeId, group, tags. Every change is kept in the audit trail; a status change "
                + "publishes TicketStatusChanged, solving publishes TicketSolved and issues a satisfaction survey; a closed ticket changes no more (409). If-Match guards against lost updates (412).")
            .Accepts<CreateTicketRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        tickets.MapPost("/{id:guid}/messages", AddMessage)
            .RequireScope(Scopes.Write("support"))
            .WithName("AddTicketMessage")
            .WithSummary("Reply to a ticket or add an internal note")
            .WithDescription(
                "body (required), visibility public (a reply the requester sees, default) or internal (a note for agents), channel (default api). "
                + "The first public reply is the ticket's first response and opens a new ticket. 409 on a closed ticket.")
            .Accepts<CreateMessageRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        tickets.MapGet("/{id:guid}/messages", Messages)
            .RequireScope(Scopes.Read("support"))
            .WithName("ListTicketMessages")
            .WithSummary("The conversation of a ticket")
            .WithDescription("Public replies and internal notes, oldest first, a page at a time; ?visibility=public|internal filters.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        tickets.MapGet("/{id:guid}/changes", Changes)
            .RequireScope(Scopes.Read("support"))
            .WithName("ListTicketChanges")
            .WithSummary("The audit trail of a ticket")
            .WithDescription("Every change of the ticket, oldest first: field, from, to, changedBy (a user, or the service that made it) and changedAt.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return tickets;
    }

    private static async Task<Results<Created<TicketResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateTicketRequest request, SupportDb db, TimeProvider time, ClaimsPrincipal user, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(errors) is not { } opening)
        {
            return ApiProblems.Invalid(errors);
        }

        if (opening.RequesterPersonId is { } person && !await db.Requesters.AnyAsync(r => r.PersonId == person && !r.IsDeleted, cancellationToken))
        {
            errors.Add("requesterPersonId", $"No requester with person id {person}: support knows the tenant's people from contacts.");
            return ApiProblems.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var actor = Caller(user);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var message = opening.Description is { } description ? new OpeningMessage(description, MessageVisibility.Public, null, opening.RequesterEmail, null) : null;
        var (ticket, _) = await TicketOpening.OpenAsync(db, opening, message, request.Id ?? Ids.New(), null, actor, now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return ApiProblems.Conflict("The id is taken.", $"A resource with id {ticket.Id} already exists.");
        }

        ETags.Write(response, ticket.Version);
        return TypedResults.Created($"/api/v1/tickets/{ticket.Id}", TicketResponse.From(ticket));
    }

    private static async Task<Results<Ok<TicketResponse>, ProblemHttpResult>> Get(Guid id, SupportDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (ticket is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        ETags.Write(response, ticket.Version);
        return TypedResults.Ok(await CustomerDunning.ShowAsync(db, TicketResponse.From(ticket), cancellationToken));
    }

    private static async Task<Results<Ok<Page<TicketResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, [AsParameters] TicketFilter filter, SupportDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        var fieldErrors = new FieldErrors();
        var tickets = db.Tickets.AsNoTracking();
        if (filter.Status is not null)
        {
            var status = TicketRequests.Parse("status", filter.Status, TicketStatus.New, fieldErrors);
            tickets = tickets.Where(t => t.Status == status);
        }

        if (filter.Priority is not null)
        {
            var priority = TicketRequests.Parse("priority", filter.Priority, TicketPriority.Normal, fieldErrors);
            tickets = tickets.Where(t => t.Priority == priority);
        }

        if (filter.Channel is not null)
        {
            var channel = TicketRequests.Parse("channel", filter.Channel, TicketChannel.Api, fieldErrors);
            tickets = tickets.Where(t => t.Channel == channel);
        }

        foreach (var (field, messages) in fieldErrors.ToDictionary())
        {
            errors[field] = messages;
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (filter.AssigneeId is { } assignee)
        {
            tickets = tickets.Where(t => t.AssigneeId == assignee);
        }

        if (filter.Group is { } group)
        {
            tickets = tickets.Where(t => t.Group == group);
        }

        if (filter.RequesterPersonId is { } person)
        {
            tickets = tickets.Where(t => t.RequesterPersonId == person);
        }

        if (filter.CompanyId is { } company)
        {
            tickets = tickets.Where(t => t.CompanyId == company);
        }

        if (filter.Tag is { } tag)
        {
            tickets = tickets.Where(t => t.Tags.Contains(tag));
        }

        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var pattern = $"%{TicketRequests.Literal(filter.Q.Trim())}%";
            tickets = tickets.Where(t => EF.Functions.ILike(t.Subject, pattern));
        }

        var found = await page.ReadAsync(tickets, TicketResponse.From, cancellationToken);
        return TypedResults.Ok(found with { Items = await CustomerDunning.ShowAsync(db, found.Items, cancellationToken) });
    }

    private static async Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, [FromBody] JsonElement patch, SupportDb db, TimeProvider time, IOptions<JsonOptions> json, ClaimsPrincipal user,
        HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var loaded = await db.Tickets.FindForChangeAsync(id, request, Resource, cancellationToken);
        if (loaded.Resource is not { } ticket)
        {
            return loaded.Problem!;
        }

        var errors = new FieldErrors();
        if (ticket.ApplyPatch(patch, json.Value.SerializerOptions, errors) is not { } edit)
        {
            return ApiProblems.Invalid(errors);
        }

        if (ticket.Status == TicketStatus.Closed)
        {
            return Closed(ticket);
        }

        var now = time.GetUtcNow();
        var terms = await SlaTerms.ResolveAsync(db, ticket.ServiceTier, edit.Priority, cancellationToken);
        List<TicketChange> audit = [];
        var solvedBefore = ticket.SolvedAt;
        var events = ticket.Change(edit, terms, Caller(user), now, audit);
        if (audit.Count > 0)
        {
            Record(db, audit, events);
            await SatisfactionSurvey.IssueWhenSolvedAsync(db, ticket, solvedBefore, now, cancellationToken);
            if (!await db.TrySaveChangesAsync(cancellationToken))
            {
                return ApiProblems.PreconditionFailed(Resource);
            }
        }

        ETags.Write(response, ticket.Version);
        return TypedResults.Ok(TicketResponse.From(ticket));
    }

    private static async Task<Results<Created<MessageResponse>, ValidationProblem, ProblemHttpResult>> AddMessage(
        Guid id, [FromBody] CreateMessageRequest? request, SupportDb db, TimeProvider time, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Validate(errors) is not { } message)
        {
            return ApiProblems.Invalid(errors);
        }

        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (ticket is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        if (ticket.Status == TicketStatus.Closed)
        {
            return Closed(ticket);
        }

        var now = time.GetUtcNow();
        var actor = Caller(user);
        var terms = await SlaTerms.ResolveAsync(db, ticket.ServiceTier, ticket.Priority, cancellationToken);
        List<TicketChange> audit = [];
        var events = ticket.Converse(message.Visibility, fromRequester: false, terms, actor, now, audit);
        var written = TicketMessage.Write(db.Tenant.TenantId, id, message.Visibility, message.Body, actor, null, message.Channel, null, now);
        db.TicketMessages.Add(written);
        Record(db, audit, events);
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return ApiProblems.Conflict("The ticket changed meanwhile.", "Another request changed the ticket at the same time; send the message again.");
        }

        return TypedResults.Created($"/api/v1/tickets/{id}/messages/{written.Id}", MessageResponse.From(written));
    }

    private static async Task<Results<Ok<Page<MessageResponse>>, ValidationProblem, ProblemHttpResult>> Messages(
        Guid id, [AsParameters] PageQuery page, string? visibility, SupportDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        var fieldErrors = new FieldErrors();
        var wanted = visibility is null ? (MessageVisibility?)null : TicketRequests.Parse("visibility", visibility, MessageVisibility.Public, fieldErrors);
        foreach (var (field, messages) in fieldErrors.ToDictionary())
        {
            errors[field] = messages;
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!await db.Tickets.AnyAsync(t => t.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound(Resource, id);
        }

        var messagesOfTicket = db.TicketMessages.AsNoTracking().Where(m => m.TicketId == id);
        if (wanted is { } only)
        {
            messagesOfTicket = messagesOfTicket.Where(m => m.Visibility == only);
        }

        return TypedResults.Ok(await page.ReadAsync(messagesOfTicket, MessageResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<Page<TicketChangeResponse>>, ValidationProblem, ProblemHttpResult>> Changes(
        Guid id, [AsParameters] PageQuery page, SupportDb db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!await db.Tickets.AnyAsync(t => t.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound(Resource, id);
        }

        return TypedResults.Ok(await page.ReadAsync(db.TicketChanges.AsNoTracking().Where(c => c.TicketId == id), TicketChangeResponse.Of, cancellationToken));
    }

    /// <summary>Adds the audit lines and the events of a change to the save that makes it.</summary>
    public static void Record(SupportDb db, List<TicketChange> audit, List<IIntegrationEvent> events)
    {
        db.TicketChanges.AddRange(audit);
        foreach (var integrationEvent in events)
        {
            db.Publish(integrationEvent);
        }
    }

    private static ProblemHttpResult Closed(Ticket ticket) =>
        ApiProblems.Conflict("The ticket is closed.", $"Ticket {ticket.Number} is closed; a closed ticket changes no more. Open a follow-up ticket instead.");

    /// <summary>Who is acting: the token's subject.</summary>
    private static string Caller(ClaimsPrincipal user) => user.FindFirstValue(CrmClaims.Subject) ?? "unknown";
}

/// <summary>The filters of the ticket list.</summary>
public sealed record TicketFilter(
    string? Status, string? Priority, string? Channel, string? AssigneeId, string? Group, Guid? RequesterPersonId, Guid? CompanyId, string? Tag, string? Q);
