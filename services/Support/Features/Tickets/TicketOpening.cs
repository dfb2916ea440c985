using CrmCloud.Contracts.Support;
using CrmCloud.Platform.Data;
using CrmCloud.Support.Features.ServiceContracts;
using CrmCloud.Support.Features.Sla;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Support.Features.Tickets;

/// <summary>The first message of a new ticket, as it came in.</summary>
public sealed record OpeningMessage(string Body, MessageVisibility Visibility, string? AuthorId, string? AuthorEmail, string? EmailMessageId);

/// <summary>
/// Opens a ticket the same way from every channel (the API, inbound email, an asset's maintenance): numbers it, finds
/// the requester's person by email when none is named, takes the SLA of the customer's contract tier, and records the
/// ticket, its first message, its audit line and its events for one save. An unknown email is announced to contacts.
/// </summary>
public static class TicketOpening
{
    public static async Task<(Ticket Ticket, TicketMessage? Message)> OpenAsync(
        SupportDb db, TicketOpeningRequest request, OpeningMessage? message, Guid id, Guid? assetId, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tenant = db.Tenant.TenantId;
        var personId = request.RequesterPersonId;
        if (personId is null && request.RequesterEmail is { } email)
        {
            personId = await db.Requesters.AsNoTracking()
                .Where(r => !r.IsDeleted && r.Email != null && EF.Functions.ILike(r.Email, TicketRequests.Literal(email)))
                .OrderBy(r => r.Id)
                .Select(r => (Guid?)r.PersonId)
                .FirstOrDefaultAsync(cancellationToken);
        }

        var tier = await ServiceContract.TierForAsync(db, personId, request.Edit.CompanyId, DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);
        var terms = await SlaTerms.ResolveAsync(db, tier, request.Edit.Priority, cancellationToken);
        var number = await NextNumberAsync(db, cancellationToken);
        var (ticket, events) = Ticket.Open(
            tenant, id, number, request.Edit, new TicketRequester(personId, request.RequesterEmail, request.RequesterName),
            request.Channel, request.Kind, tier, assetId, terms, now);
        db.Tickets.Add(ticket);
        db.TicketChanges.Add(TicketChange.Record(tenant, id, "ticket", null, "opened", actor, now));
        var written = message is null
            ? null
            : TicketMessage.Write(tenant, id, message.Visibility, message.Body, message.AuthorId, message.AuthorEmail, request.Channel, message.EmailMessageId, now);
        if (written is not null)
        {
            db.TicketMessages.Add(written);
        }

        foreach (var integrationEvent in events)
        {
            db.Publish(integrationEvent);
        }

        if (personId is null)
        {
            db.Publish(new TicketRequesterCaptured(tenant, id, Ids.New(), request.RequesterEmail!, request.RequesterName, now));
        }

        return (ticket, written);
    }

    /// <summary>The tenant's next ticket number, counted in the caller's transaction.</summary>
    private static async Task<string> NextNumberAsync(SupportDb db, CancellationToken cancellationToken)
    {
        var tenant = db.Tenant.TenantId;
        var numbers = await db.Database.SqlQuery<long>(
            $"""
            INSERT INTO ticket_counters (tenant_id, last_number) VALUES ({tenant}, 1)
            ON CONFLICT (tenant_id) DO UPDATE SET last_number = ticket_counters.last_number + 1
            RETURNING last_number AS "Value"
            """).ToListAsync(cancellationToken);
        return $"T-{numbers[0]:D6}";
    }
}
