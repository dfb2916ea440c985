using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Support.Features.Dunning;

namespace CrmCloud.Support.Features.Tickets;

/// <summary>
/// A ticket to open. The requester is <c>requesterPersonId</c> (a person support knows from contacts) or
/// <c>requesterEmail</c> (with an optional name): an address nobody in contacts has yet becomes a person there by event.
/// </summary>
public sealed record CreateTicketRequest(
    Guid? Id,
    string? Subject,
    string? Description,
    Guid? RequesterPersonId,
    string? RequesterEmail,
    string? RequesterName,
    Guid? CompanyId,
    string? Channel,
    string? Kind,
    string? Priority,
    string? Status,
    string? AssigneeId,
    string? Group,
    List<string?>? Tags);

/// <summary>A message for the conversation: <c>visibility</c> public (a reply the requester sees, the default) or internal (a note).</summary>
public sealed record CreateMessageRequest(string? Body, string? Visibility, string? Channel);

public sealed record TicketResponse(
    Guid Id,
    string Number,
    string Subject,
    Guid? RequesterPersonId,
    string? RequesterEmail,
    string? RequesterName,
    Guid? CompanyId,
    TicketChannel Channel,
    TicketKind Kind,
    TicketPriority Priority,
    TicketStatus Status,
    string? AssigneeId,
    string? Group,
    IReadOnlyList<string> Tags,
    string? ServiceTier,
    Guid? SlaPolicyId,
    bool SlaPaused,
    DateTimeOffset? FirstResponseDueAt,
    DateTimeOffset? ResolutionDueAt,
    DateTimeOffset? FirstRespondedAt,
    DateTimeOffset? SolvedAt,
    DateTimeOffset? ClosedAt,
    Guid? AssetId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>The requester's or company's overdue invoices in billing; absent when they owe nothing overdue.</summary>
    public TicketDunning? Dunning { get; init; }

    public static TicketResponse From(Ticket t) => new(
        t.Id, t.Number, t.Subject, t.RequesterPersonId, t.RequesterEmail, t.RequesterName, t.CompanyId, t.Channel, t.Kind, t.Priority, t.Status,
        t.AssigneeId, t.Group, t.Tags, t.ServiceTier, t.SlaPolicyId, t.SlaPolicyId is not null && !t.Clock.IsRunning && Ticket.IsPaused(t.Status),
        t.FirstResponseDueAt, t.ResolutionDueAt, t.FirstRespondedAt, t.SolvedAt, t.ClosedAt, t.AssetId, t.CreatedAt, t.UpdatedAt, t.Version);
}

public sealed record MessageResponse(
    Guid Id, Guid TicketId, MessageVisibility Visibility, string Body, string? AuthorId, string? AuthorEmail, TicketChannel Channel, string? EmailMessageId, DateTimeOffset CreatedAt)
{
    public static MessageResponse From(TicketMessage m) => new(m.Id, m.TicketId, m.Visibility, m.Body, m.AuthorId, m.AuthorEmail, m.Channel, m.EmailMessageId, m.CreatedAt);
}

public sealed record TicketChangeResponse(Guid Id, string Field, string? From, string? To, string ChangedBy, DateTimeOffset ChangedAt)
{
    public static TicketChangeResponse Of(TicketChange c) => new(c.Id, c.Field, c.FromValue, c.ToValue, c.ChangedBy, c.ChangedAt);
}

/// <summary>The validated parts of a ticket to open.</summary>
public sealed record TicketOpeningRequest(
    TicketEdit Edit, string? Description, Guid? RequesterPersonId, string? RequesterEmail, string? RequesterName, TicketChannel Channel, TicketKind Kind);

public static class TicketRequests
{
    public const int SubjectLength = 300;
    public const int BodyLength = 100_000;
    public const int ActorLength = 64;
    public const int GroupLength = 100;

    private static readonly HashSet<string> Patchable = ["subject", "priority", "status", "companyId", "assigneeId", "group", "tags"];

    public static TicketOpeningRequest? Validate(this CreateTicketRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        var description = errors.Optional("description", request.Description, BodyLength);
        var email = errors.Email("requesterEmail", request.RequesterEmail)?.ToLowerInvariant();
        var name = errors.Optional("requesterName", request.RequesterName, 200);
        if (request.RequesterPersonId is null && email is null)
        {
            errors.Add("requesterPersonId", "A ticket has a requester: give requesterPersonId (a person from contacts) or requesterEmail.");
        }
        else if (request.RequesterPersonId == Guid.Empty)
        {
            errors.Add("requesterPersonId", "The id must not be the empty UUID.");
        }

        var channel = Parse<TicketChannel>("channel", request.Channel, TicketChannel.Api, errors);
        var kind = Parse<TicketKind>("kind", request.Kind, TicketKind.Reactive, errors);
        var edit = Edit(request.Subject, request.Priority ?? "normal", request.Status ?? "new", request.CompanyId, request.AssigneeId, request.Group, request.Tags, errors);
        if (edit?.Status is TicketStatus.Solved or TicketStatus.Closed)
        {
            errors.Add("status", "A ticket opens as new, open, pending or on-hold.");
        }

        return errors.IsEmpty ? new TicketOpeningRequest(edit!, description, request.RequesterPersonId, email, name, channel, kind) : null;
    }

    public static TicketEdit? ApplyPatch(this Ticket ticket, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        if (MergePatch.Read(body, Patchable, errors) is not { } patch)
        {
            return null;
        }

        var edit = Edit(
            patch.Text("subject", ticket.Subject, errors),
            patch.Text("priority", WireNames<TicketPriority>.Of(ticket.Priority), errors),
            patch.Text("status", WireNames<TicketStatus>.Of(ticket.Status), errors),
            patch.Value("companyId", ticket.CompanyId, json, errors),
            patch.Text("assigneeId", ticket.AssigneeId, errors),
            patch.Text("group", ticket.Group, errors),
            patch.Value<List<string?>>("tags", [.. ticket.Tags], json, errors),
            errors);
        return errors.IsEmpty ? edit : null;
    }

    public static (string Body, MessageVisibility Visibility, TicketChannel Channel)? Validate(this CreateMessageRequest? request, FieldErrors errors)
    {
        var body = errors.Required("body", request?.Body, BodyLength);
        var visibility = Parse<MessageVisibility>("visibility", request?.Visibility, MessageVisibility.Public, errors);
        var channel = Parse<TicketChannel>("channel", request?.Channel, TicketChannel.Api, errors);
        return errors.IsEmpty ? (body!, visibility, channel) : null;
    }

    /// <summary><paramref name="text"/> matched literally by LIKE/ILIKE: its wildcards escaped.</summary>
    public static string Literal(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    public static T Parse<T>(string field, string? value, T fallback, FieldErrors errors)
        where T : struct, Enum
    {
        if (value is null)
        {
            return fallback;
        }

        if (WireNames<T>.TryParse(value, out var parsed))
        {
            return parsed;
        }

        errors.Add(field, $"One of: {string.Join(", ", WireNames<T>.All)}.");
        return fallback;
    }

    private static TicketEdit? Edit(
        string? subject, string? priority, string? status, Guid? companyId, string? assigneeId, string? group, List<string?>? tags, FieldErrors errors)
    {
        var checkedSubject = errors.Required("subject", subject, SubjectLength);
        if (priority is null)
        {
            errors.Add("priority", "A ticket always has a priority.");
        }

        if (status is null)
        {
            errors.Add("status", "A ticket always has a status.");
        }

        var parsedPriority = Parse("priority", priority ?? "normal", TicketPriority.Normal, errors);
        var parsedStatus = Parse("status", status ?? "new", TicketStatus.New, errors);
        if (companyId == Guid.Empty)
        {
            errors.Add("companyId", "The id must not be the empty UUID.");
        }

        var assignee = errors.Optional("assigneeId", assigneeId, ActorLength);
        var checkedGroup = errors.Optional("group", group, GroupLength);
        var checkedTags = errors.Tags("tags", tags);
        return errors.IsEmpty ? new TicketEdit(checkedSubject!, parsedPriority, parsedStatus, companyId, assignee, checkedGroup, checkedTags) : null;
    }
}
