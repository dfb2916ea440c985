using System.Text.Json.Serialization;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.Activities;

/// <summary>
/// Something the tenant did with a customer or has to do (a task), logged against a person, a company or
/// both. Details change through <see cref="Revise"/>, which keeps the version and the task's completion time.
/// The person and the company are set when the activity is created and stay: they are real foreign keys
/// (see <see cref="ActivityConfiguration"/>), which EF Core can only put on the entity's own properties,
/// outside the versioned details.
/// </summary>
public sealed class Activity : VersionedResource<ActivityDetails>
{
    private Activity()
    {
    }

    public Guid? PersonId { get; private set; }

    public Guid? CompanyId { get; private set; }

    /// <summary>When a task was marked done; null while it is open, and for every other type.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }

    public static Activity Create(string tenantId, Guid id, Guid? personId, Guid? companyId, ActivityDetails details, DateTimeOffset now)
    {
        var created = new Activity { PersonId = personId, CompanyId = companyId, CompletedAt = details.Done ? now : null };
        created.Initialize(tenantId, id, details, now);
        return created;
    }

    /// <summary>
    /// Applies <paramref name="details"/>: a task that becomes done is completed <paramref name="now"/>, one that is
    /// reopened loses its completion time, one that stays done keeps it.
    /// </summary>
    /// <returns>False when nothing changes.</returns>
    public bool Revise(ActivityDetails details, DateTimeOffset now)
    {
        var wasDone = Details.Done;
        if (!Change(details, now))
        {
            return false;
        }

        CompletedAt = details.Done ? (wasDone ? CompletedAt : now) : null;
        return true;
    }
}

/// <summary>
/// What a caller says about an activity; validated by <see cref="ActivityRequests"/>. <c>OccurredAt</c> is when
/// it happened (for a task: when it was set up, by default its creation time); <c>DueAt</c> and <c>Done</c> are
/// for tasks only, <c>Direction</c> for calls, emails and chats only.
/// </summary>
public sealed record ActivityDetails(
    ActivityType Type,
    string Subject,
    string? Body,
    DateTimeOffset OccurredAt,
    ActivityDirection? Direction,
    string? Outcome,
    string? OwnerId,
    DateTimeOffset? DueAt,
    bool Done);

public enum ActivityType
{
    [JsonStringEnumMemberName("call")]
    Call,

    [JsonStringEnumMemberName("email")]
    Email,

    [JsonStringEnumMemberName("meeting")]
    Meeting,

    [JsonStringEnumMemberName("chat")]
    Chat,

    [JsonStringEnumMemberName("note")]
    Note,

    [JsonStringEnumMemberName("task")]
    Task,
}

/// <summary>Who started a call, email or chat: the customer (inbound) or the tenant (outbound).</summary>
public enum ActivityDirection
{
    [JsonStringEnumMemberName("inbound")]
    Inbound,

    [JsonStringEnumMemberName("outbound")]
    Outbound,
}
