using CrmCloud.Support.Features.Calendars;

namespace CrmCloud.Support.Features.Sla;

/// <summary>
/// The business time a ticket's SLA has used: <see cref="Used"/> up to the last pause, plus the time since
/// <see cref="RunningSince"/> while the clock runs (null while the ticket waits on the customer or is on hold).
/// Pure values: the due time of a target is where the remaining business time ends from the moment the clock last started.
/// </summary>
public sealed record SlaClock(TimeSpan Used, DateTimeOffset? RunningSince)
{
    public static SlaClock StartedAt(DateTimeOffset now) => new(TimeSpan.Zero, now);

    public bool IsRunning => RunningSince is not null;

    public SlaClock Pause(DateTimeOffset now, BusinessHours hours) =>
        RunningSince is { } since ? new SlaClock(Used + hours.Between(since, now), null) : this;

    public SlaClock Resume(DateTimeOffset now) => RunningSince is null ? this with { RunningSince = now } : this;

    /// <summary>When <paramref name="target"/> of business time is used up; null while paused or without a target.</summary>
    public DateTimeOffset? DueAt(TimeSpan? target, BusinessHours hours)
    {
        if (target is not { } budget || RunningSince is not { } since)
        {
            return null;
        }

        var remaining = budget - Used;
        return hours.Add(since, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
    }
}
