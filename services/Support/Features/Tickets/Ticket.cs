using CrmCloud.Contracts;
using CrmCloud.Contracts.Support;
using CrmCloud.Platform.Data;
using CrmCloud.Support.Features.Calendars;
using CrmCloud.Support.Features.Sla;

namespace CrmCloud.Support.Features.Tickets;

/// <summary>What an agent may change on a ticket; the rest follows from messages, events and the SLA.</summary>
public sealed record TicketEdit(
    string Subject,
    TicketPriority Priority,
    TicketStatus Status,
    Guid? CompanyId,
    string? AssigneeId,
    string? Group,
    IReadOnlyList<string> Tags);

/// <summary>
/// A request for help and everything about it: who asked, how urgent it is, where it stands and when it is due.
/// Its methods keep it valid and return what changed (for the audit trail) and the events to publish with it.
/// <see cref="TicketOpened"/> waits until the requester is a known person, since contacts keys its facts by person.
/// </summary>
public sealed class Ticket : IVersioned, ITenantOwned
{
    private Ticket()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    /// <summary>The number people quote: <c>T-000042</c>, counted per tenant.</summary>
    public string Number { get; private set; } = "";

    public string Subject { get; private set; } = "";

    /// <summary>The requester as a person in contacts; null while contacts resolves an unknown email.</summary>
    public Guid? RequesterPersonId { get; private set; }

    public string? RequesterEmail { get; private set; }

    public string? RequesterName { get; private set; }

    public Guid? CompanyId { get; private set; }

    public TicketChannel Channel { get; private set; }

    public TicketKind Kind { get; private set; }

    public TicketPriority Priority { get; private set; }

    public TicketStatus Status { get; private set; }

    public string? AssigneeId { get; private set; }

    public string? Group { get; private set; }

    public List<string> Tags { get; private set; } = [];

    /// <summary>The service-contract tier the ticket was opened under (null: no contract).</summary>
    public string? ServiceTier { get; private set; }

    public Guid? SlaPolicyId { get; private set; }

    public TimeSpan? FirstResponseTarget { get; private set; }

    public TimeSpan? ResolutionTarget { get; private set; }

    public SlaClock Clock { get; private set; } = new(TimeSpan.Zero, null);

    public DateTimeOffset? FirstResponseDueAt { get; private set; }

    public DateTimeOffset? ResolutionDueAt { get; private set; }

    public DateTimeOffset? FirstRespondedAt { get; private set; }

    public DateTimeOffset? SolvedAt { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>Whether <see cref="TicketOpened"/> has gone out (it needs the person).</summary>
    public bool OpenedAnnounced { get; private set; }

    public Guid? AssetId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    public static (Ticket Ticket, List<IIntegrationEvent> Events) Open(
        string tenantId,
        Guid id,
        string number,
        TicketEdit edit,
        TicketRequester requester,
        TicketChannel channel,
        TicketKind kind,
        string? serviceTier,
        Guid? assetId,
        SlaTerms terms,
        DateTimeOffset now)
    {
        var ticket = new Ticket
        {
            Id = id,
            TenantId = tenantId,
            Number = number,
            Subject = edit.Subject,
            RequesterPersonId = requester.PersonId,
            RequesterEmail = requester.Email,
            RequesterName = requester.Name,
            CompanyId = edit.CompanyId,
            Channel = channel,
            Kind = kind,
            Priority = edit.Priority,
            Status = edit.Status,
            AssigneeId = edit.AssigneeId,
            Group = edit.Group,
            Tags = [.. edit.Tags],
            ServiceTier = serviceTier,
            AssetId = assetId,
            Clock = IsPaused(edit.Status) ? new SlaClock(TimeSpan.Zero, null) : SlaClock.StartedAt(now),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        ticket.Retarget(terms);
        List<IIntegrationEvent> events = [];
        ticket.AnnounceOpening(events, now);
        return (ticket, events);
    }

    /// <summary>Applies an agent's edit; a closed ticket changes no more (the caller answers 409 first).</summary>
    public List<IIntegrationEvent> Change(TicketEdit edit, SlaTerms terms, string actor, DateTimeOffset now, List<TicketChange> audit)
    {
        List<IIntegrationEvent> events = [];
        Audit(audit, "subject", Subject, edit.Subject, actor, now);
        Subject = edit.Subject;
        Audit(audit, "companyId", CompanyId?.ToString(), edit.CompanyId?.ToString(), actor, now);
        CompanyId = edit.CompanyId;
        Audit(audit, "assigneeId", AssigneeId, edit.AssigneeId, actor, now);
        AssigneeId = edit.AssigneeId;
        Audit(audit, "group", Group, edit.Group, actor, now);
        Group = edit.Group;
        Audit(audit, "tags", string.Join(",", Tags), string.Join(",", edit.Tags), actor, now);
        Tags = [.. edit.Tags];
        if (Audit(audit, "priority", WireNames<TicketPriority>.Of(Priority), WireNames<TicketPriority>.Of(edit.Priority), actor, now))
        {
            Priority = edit.Priority;
        }

        MoveTo(edit.Status, terms.Hours, actor, now, audit, events);
        Retarget(terms);
        if (audit.Count > 0)
        {
            Touch(now);
        }

        return events;
    }

    /// <summary>A reply or note added to the conversation: an agent's first public reply is the first response.</summary>
    public List<IIntegrationEvent> Converse(MessageVisibility visibility, bool fromRequester, SlaTerms terms, string actor, DateTimeOffset now, List<TicketChange> audit)
    {
        List<IIntegrationEvent> events = [];
        if (visibility == MessageVisibility.Public && !fromRequester)
        {
            if (FirstRespondedAt is null)
            {
                FirstRespondedAt = now;
                Audit(audit, "firstRespondedAt", null, now.ToString("O"), actor, now);
            }

            if (Status == TicketStatus.New)
            {
                MoveTo(TicketStatus.Open, terms.Hours, actor, now, audit, events);
            }
        }
        else if (fromRequester && Status is TicketStatus.Pending or TicketStatus.Solved or TicketStatus.New)
        {
            // The customer answered: the ticket is the agents' turn again.
            MoveTo(TicketStatus.Open, terms.Hours, actor, now, audit, events);
        }

        Retarget(terms);
        Touch(now);
        return events;
    }

    /// <summary>Contacts resolved the unknown requester to a person; false when it was known already.</summary>
    public bool LinkRequester(Guid personId, Guid? companyId, DateTimeOffset now, List<TicketChange> audit, List<IIntegrationEvent> events)
    {
        if (RequesterPersonId is not null)
        {
            return false;
        }

        RequesterPersonId = personId;
        Audit(audit, "requesterPersonId", null, personId.ToString(), "contacts", now);
        if (CompanyId is null && companyId is not null)
        {
            CompanyId = companyId;
            Audit(audit, "companyId", null, companyId.ToString(), "contacts", now);
        }

        AnnounceOpening(events, now);
        if (Status is TicketStatus.Solved or TicketStatus.Closed)
        {
            events.Add(Solved(now));
        }

        Touch(now);
        return true;
    }

    /// <summary>The requester's person was merged into <paramref name="survivorId"/> in contacts.</summary>
    public void MoveRequester(Guid survivorId, DateTimeOffset now, List<TicketChange> audit)
    {
        Audit(audit, "requesterPersonId", RequesterPersonId?.ToString(), survivorId.ToString(), "contacts", now);
        RequesterPersonId = survivorId;
        Touch(now);
    }

    /// <summary>The requester was erased in contacts: the ticket stays the company's record of the work, without who asked.</summary>
    public void EraseRequester(DateTimeOffset now, List<TicketChange> audit)
    {
        RequesterEmail = null;
        RequesterName = null;
        audit.Add(TicketChange.Record(TenantId, Id, "requester", null, "erased", "contacts", now));
        Touch(now);
    }

    public static bool IsPaused(TicketStatus status) => status is TicketStatus.Pending or TicketStatus.OnHold;

    private static bool IsDone(TicketStatus status) => status is TicketStatus.Solved or TicketStatus.Closed;

    private void MoveTo(TicketStatus status, BusinessHours hours, string actor, DateTimeOffset now, List<TicketChange> audit, List<IIntegrationEvent> events)
    {
        var from = Status;
        if (!Audit(audit, "status", WireNames<TicketStatus>.Of(from), WireNames<TicketStatus>.Of(status), actor, now))
        {
            return;
        }

        Status = status;
        Clock = IsPaused(status) || IsDone(status) ? Clock.Pause(now, hours) : Clock.Resume(now);
        if (status == TicketStatus.Solved || (status == TicketStatus.Closed && SolvedAt is null))
        {
            SolvedAt = now;
        }
        else if (!IsDone(status))
        {
            SolvedAt = null;
        }

        if (status == TicketStatus.Closed)
        {
            ClosedAt = now;
        }

        events.Add(new TicketStatusChanged(TenantId, Id, Number, RequesterPersonId, WireNames<TicketStatus>.Of(from), WireNames<TicketStatus>.Of(status), now));
        if (IsDone(status) && !IsDone(from) && RequesterPersonId is not null)
        {
            events.Add(Solved(now));
        }
    }

    /// <summary>Takes the policy's targets for the current priority and recomputes the due times.</summary>
    private void Retarget(SlaTerms terms)
    {
        SlaPolicyId = terms.PolicyId;
        FirstResponseTarget = terms.FirstResponse;
        ResolutionTarget = terms.Resolution;
        if (FirstRespondedAt is null)
        {
            FirstResponseDueAt = Clock.DueAt(FirstResponseTarget, terms.Hours);
        }

        // A solved ticket keeps the due time it was measured against.
        if (!IsDone(Status))
        {
            ResolutionDueAt = Clock.DueAt(ResolutionTarget, terms.Hours);
        }
    }

    private void AnnounceOpening(List<IIntegrationEvent> events, DateTimeOffset now)
    {
        if (OpenedAnnounced || RequesterPersonId is not { } person)
        {
            return;
        }

        OpenedAnnounced = true;
        events.Add(new TicketOpened(TenantId, Id, Number, person, CompanyId, Subject, WireNames<TicketPriority>.Of(Priority), WireNames<TicketChannel>.Of(Channel), now));
    }

    private TicketSolved Solved(DateTimeOffset now) =>
        new(TenantId, Id, Number, RequesterPersonId!.Value, CompanyId, Subject, WireNames<TicketPriority>.Of(Priority), WireNames<TicketChannel>.Of(Channel), now);

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }

    private bool Audit(List<TicketChange> audit, string field, string? from, string? to, string actor, DateTimeOffset now)
    {
        if (string.Equals(from, to, StringComparison.Ordinal))
        {
            return false;
        }

        audit.Add(TicketChange.Record(TenantId, Id, field, from, to, actor, now));
        return true;
    }
}

/// <summary>Who asked: a known person, or an email contacts has yet to resolve to one.</summary>
public sealed record TicketRequester(Guid? PersonId, string? Email, string? Name);

/// <summary>One line of a ticket's audit trail: a field that changed, from what to what, by whom and when.</summary>
public sealed class TicketChange : IEntity, ITenantOwned
{
    private TicketChange()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid TicketId { get; private set; }

    public string Field { get; private set; } = "";

    public string? FromValue { get; private set; }

    public string? ToValue { get; private set; }

    public string ChangedBy { get; private set; } = "";

    public DateTimeOffset ChangedAt { get; private set; }

    public static TicketChange Record(string tenantId, Guid ticketId, string field, string? from, string? to, string changedBy, DateTimeOffset now) => new()
    {
        Id = Ids.New(),
        TenantId = tenantId,
        TicketId = ticketId,
        Field = field,
        FromValue = from,
        ToValue = to,
        ChangedBy = changedBy,
        ChangedAt = now,
    };
}

/// <summary>
/// One message of a ticket's conversation. <see cref="EmailMessageId"/> is the Message-ID of an inbound or sent
/// mail: unique per tenant, so the same mail delivered twice is stored once.
/// </summary>
public sealed class TicketMessage : IEntity, ITenantOwned
{
    private TicketMessage()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid TicketId { get; private set; }

    public MessageVisibility Visibility { get; private set; }

    public string Body { get; private set; } = "";

    /// <summary>The agent (token subject) who wrote it; null for the requester's own messages.</summary>
    public string? AuthorId { get; private set; }

    /// <summary>The requester's address, for messages that came from the requester.</summary>
    public string? AuthorEmail { get; private set; }

    public TicketChannel Channel { get; private set; }

    public string? EmailMessageId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>What stands in place of a requester's own words once the requester is erased.</summary>
    public const string ErasedBody = "(erased at the requester's request)";

    public static TicketMessage Write(
        string tenantId, Guid ticketId, MessageVisibility visibility, string body, string? authorId, string? authorEmail, TicketChannel channel, string? emailMessageId, DateTimeOffset now) => new()
        {
            Id = Ids.New(),
            TenantId = tenantId,
            TicketId = ticketId,
            Visibility = visibility,
            Body = body,
            AuthorId = authorId,
            AuthorEmail = authorEmail,
            Channel = channel,
            EmailMessageId = emailMessageId,
            CreatedAt = now,
        };
}
