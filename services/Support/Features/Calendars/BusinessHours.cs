namespace CrmCloud.Support.Features.Calendars;

/// <summary>One stretch of working time on a weekday, in the calendar's local time; <see cref="End"/> may be 24:00.</summary>
public sealed record WorkingPeriod(DayOfWeek Day, TimeSpan Start, TimeSpan End);

/// <summary>
/// When a tenant's support works: weekly working periods in a time zone, less holidays. SLA targets count only
/// this time, so a target of 8 business hours set on Friday afternoon falls due on Monday. Pure logic over
/// instants: daylight-saving changes are taken from the time zone.
/// </summary>
public sealed class BusinessHours
{
    /// <summary>How far ahead a due time is searched: a calendar that works once a year still finds it.</summary>
    private const int MaxDays = 3 * 366;

    private readonly TimeZoneInfo _zone;
    private readonly ILookup<DayOfWeek, WorkingPeriod> _periods;
    private readonly HashSet<DateOnly> _holidays;

    public BusinessHours(TimeZoneInfo zone, IEnumerable<WorkingPeriod> periods, IEnumerable<DateOnly> holidays)
    {
        _zone = zone;
        _periods = periods.OrderBy(p => p.Start).ToLookup(p => p.Day);
        _holidays = [.. holidays];
    }

    /// <summary>Every hour of every day, in UTC: the clock of a tenant without a calendar.</summary>
    public static BusinessHours AlwaysOpen { get; } =
        new(TimeZoneInfo.Utc, Enum.GetValues<DayOfWeek>().Select(day => new WorkingPeriod(day, TimeSpan.Zero, TimeSpan.FromHours(24))), []);

    /// <summary>The instant at which <paramref name="businessTime"/> of working time has passed since <paramref name="start"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset start, TimeSpan businessTime)
    {
        var remaining = businessTime;
        foreach (var (from, to) in WorkingIntervals(start))
        {
            var begin = from > start ? from : start;
            if (to <= begin)
            {
                continue;
            }

            if (remaining <= to - begin)
            {
                return begin + remaining;
            }

            remaining -= to - begin;
        }

        throw new InvalidOperationException("The calendar has no working time within three years.");
    }

    /// <summary>The working time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        var total = TimeSpan.Zero;
        if (to <= from)
        {
            return total;
        }

        foreach (var (begin, end) in WorkingIntervals(from))
        {
            if (begin >= to)
            {
                break;
            }

            var overlapStart = begin > from ? begin : from;
            var overlapEnd = end < to ? end : to;
            if (overlapEnd > overlapStart)
            {
                total += overlapEnd - overlapStart;
            }
        }

        return total;
    }

    /// <summary>The working intervals in UTC, in order, from the local day that holds <paramref name="start"/>.</summary>
    private IEnumerable<(DateTimeOffset From, DateTimeOffset To)> WorkingIntervals(DateTimeOffset start)
    {
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, _zone).DateTime);
        for (var offset = 0; offset < MaxDays; offset++)
        {
            var day = firstDay.AddDays(offset);
            if (_holidays.Contains(day))
            {
                continue;
            }

            foreach (var period in _periods[day.DayOfWeek])
            {
                yield return (Instant(day, period.Start), Instant(day, period.End));
            }
        }
    }

    /// <summary>The instant a local wall-clock time names; a time skipped by a daylight-saving jump is taken as the jump's end.</summary>
    private DateTimeOffset Instant(DateOnly day, TimeSpan timeOfDay)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified) + timeOfDay;
        while (_zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, _zone), TimeSpan.Zero);
    }
}
