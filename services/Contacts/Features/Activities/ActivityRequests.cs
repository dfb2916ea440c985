using System.Text.Json;
using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.Consent;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.Activities;

/// <summary>
/// An activity to create. <c>id</c> may be supplied by the caller for idempotent imports; <c>occurredAt</c>
/// defaults to now (for a task: its creation time); <c>done</c> defaults to false.
/// </summary>
public sealed record CreateActivityRequest(
    Guid? Id,
    ActivityType? Type,
    string? Subject,
    string? Body = null,
    DateTimeOffset? OccurredAt = null,
    ActivityDirection? Direction = null,
    Guid? PersonId = null,
    Guid? CompanyId = null,
    string? Outcome = null,
    string? OwnerId = null,
    DateTimeOffset? DueAt = null,
    bool? Done = null);

public sealed record ActivityResponse(
    Guid Id,
    ActivityType Type,
    string Subject,
    string? Body,
    DateTimeOffset OccurredAt,
    ActivityDirection? Direction,
    Guid? PersonId,
    Guid? CompanyId,
    string? Outcome,
    string? OwnerId,
    DateTimeOffset? DueAt,
    bool? Done,
    DateTimeOffset? CompletedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static ActivityResponse From(Activity activity) => new(
        activity.Id,
        activity.Details.Type,
        activity.Details.Subject,
        activity.Details.Body,
        activity.Details.OccurredAt,
        activity.Details.Direction,
        activity.PersonId,
        activity.CompanyId,
        activity.Details.Outcome,
        activity.Details.OwnerId,
        activity.Details.DueAt,
        activity.Details.Type == ActivityType.Task ? activity.Details.Done : null,
        activity.CompletedAt,
        activity.CreatedAt,
        activity.UpdatedAt,
        activity.Version);
}

/// <summary>
/// The rules an activity's details follow, on create and on every patch. Whether <c>personId</c> and
/// <c>companyId</c> name records of the tenant is checked against the database by <see cref="ActivityEndpoints"/>.
/// </summary>
public static class ActivityRequests
{
    public const int SubjectLength = 200;
    public const int BodyLength = 10_000;
    public const int OutcomeLength = 200;
    public const int OwnerIdLength = 64;

    private static readonly HashSet<string> Patchable =
        ["type", "subject", "body", "occurredAt", "direction", "outcome", "ownerId", "dueAt", "done"];

    public static string TypeNames => string.Join(", ", Enum.GetValues<ActivityType>().Select(WireNames<ActivityType>.Of));

    /// <summary>The type named <paramref name="name"/> in the API (<c>call</c>, <c>email</c>, ...), or null.</summary>
    public static ActivityType? Type(string? name) =>
        Enum.GetValues<ActivityType>().Cast<ActivityType?>().FirstOrDefault(type => WireNames<ActivityType>.Of(type!.Value) == name);

    /// <param name="now">The request's time, already <see cref="ConsentRequests.Stored"/>: <c>occurredAt</c> when none is given.</param>
    public static ActivityDetails? Validate(this CreateActivityRequest request, DateTimeOffset now, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        if (request.PersonId is null && request.CompanyId is null)
        {
            errors.Add("personId", "Give personId, companyId or both.");
            errors.Add("companyId", "Give personId, companyId or both.");
        }

        return Normalise(request with { OccurredAt = request.OccurredAt ?? now }, errors);
    }

    /// <param name="json">The API's JSON options, so enumerations and times read as they do in a create.</param>
    /// <param name="createdAt">A task's <c>occurredAt</c> when the patch clears it.</param>
    public static ActivityDetails? ApplyPatch(
        this ActivityDetails current, JsonElement body, JsonSerializerOptions json, DateTimeOffset createdAt, FieldErrors errors)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        var type = patch.Value("type", (ActivityType?)current.Type, json, errors);
        var occurredAt = patch.Value("occurredAt", (DateTimeOffset?)current.OccurredAt, json, errors);
        var patched = new CreateActivityRequest(
            null,
            type,
            patch.Text("subject", current.Subject, errors),
            patch.Text("body", current.Body, errors),
            occurredAt ?? (type == ActivityType.Task ? createdAt : null),
            patch.Value("direction", current.Direction, json, errors),
            null,
            null,
            patch.Text("outcome", current.Outcome, errors),
            patch.Text("ownerId", current.OwnerId, errors),
            patch.Value("dueAt", current.DueAt, json, errors),
            patch.Value("done", (bool?)current.Done, json, errors));
        return Normalise(patched, errors);
    }

    /// <summary>The details the request describes (its id and links aside), or null with the errors.</summary>
    private static ActivityDetails? Normalise(CreateActivityRequest request, FieldErrors errors)
    {
        if (request.Type is null)
        {
            errors.Add("type", $"This field is required: one of {TypeNames}.");
        }

        if (request.OccurredAt is null)
        {
            errors.Add("occurredAt", "This field is required except for tasks.");
        }

        var isTask = request.Type == ActivityType.Task;
        if (request.Direction is not null && request.Type is not (ActivityType.Call or ActivityType.Email or ActivityType.Chat))
        {
            errors.Add("direction", "Only calls, emails and chats have a direction.");
        }

        if (request.DueAt is not null && !isTask)
        {
            errors.Add("dueAt", "Only tasks have a due time.");
        }

        if (request.Done is true && !isTask)
        {
            errors.Add("done", "Only tasks can be done.");
        }

        var details = new ActivityDetails(
            request.Type ?? ActivityType.Note,
            errors.Required("subject", request.Subject, SubjectLength) ?? "",
            errors.Optional("body", request.Body, BodyLength),
            request.OccurredAt is { } occurredAt ? Timestamps.Stored(occurredAt.ToUniversalTime()) : default,
            request.Direction,
            errors.Optional("outcome", request.Outcome, OutcomeLength),
            errors.Optional("ownerId", request.OwnerId, OwnerIdLength),
            request.DueAt is { } dueAt ? Timestamps.Stored(dueAt.ToUniversalTime()) : null,
            request.Done ?? false);
        return errors.IsEmpty ? details : null;
    }
}
