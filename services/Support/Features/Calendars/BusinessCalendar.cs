using System.Globalization;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Support.Features.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Support.Features.Calendars;

/// <summary>A tenant's working time: weekly hours in a time zone, and holidays. SLA policies count in it.</summary>
public sealed class BusinessCalendar : VersionedResource<CalendarDetails>
{
    private BusinessCalendar()
    {
    }

    public static BusinessCalendar Create(string tenantId, Guid id, CalendarDetails details, DateTimeOffset now)
    {
        var calendar = new BusinessCalendar();
        calendar.Initialize(tenantId, id, details, now);
        return calendar;
    }

    public BusinessHours ToHours() => new(
        TimeZoneInfo.FindSystemTimeZoneById(Details.TimeZone),
        Details.WorkingHours.Select(p => new WorkingPeriod(CalendarRequests.Days[p.Day], CalendarRequests.ParseTime(p.Start)!.Value, CalendarRequests.ParseTime(p.End)!.Value)),
        Details.Holidays);
}

/// <summary>One working period: <c>{ "day": "monday", "start": "09:00", "end": "17:30" }</c>; end may be <c>24:00</c>.</summary>
public sealed record WorkingHoursEntry(string Day, string Start, string End);

public sealed record CalendarDetails(string Name, string TimeZone, IReadOnlyList<WorkingHoursEntry> WorkingHours, IReadOnlyList<DateOnly> Holidays)
{
    public bool Equals(CalendarDetails? other) =>
        other is not null && Name == other.Name && TimeZone == other.TimeZone
        && WorkingHours.SequenceEqual(other.WorkingHours) && Holidays.SequenceEqual(other.Holidays);

    public override int GetHashCode() => HashCode.Combine(Name, TimeZone, WorkingHours.Count, Holidays.Count);
}

public sealed record CalendarRequest(Guid? Id, string? Name, string? TimeZone, List<WorkingHoursEntry>? WorkingHours, List<DateOnly>? Holidays);

public sealed record CalendarResponse(
    Guid Id, string Name, string TimeZone, IReadOnlyList<WorkingHoursEntry> WorkingHours, IReadOnlyList<DateOnly> Holidays,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static CalendarResponse From(BusinessCalendar calendar) => new(
        calendar.Id, calendar.Details.Name, calendar.Details.TimeZone, calendar.Details.WorkingHours, calendar.Details.Holidays,
        calendar.CreatedAt, calendar.UpdatedAt, calendar.Version);
}

public static class CalendarRequests
{
    public const int NameLength = 200;

    public static readonly IReadOnlyDictionary<string, DayOfWeek> Days =
        Enum.GetValues<DayOfWeek>().ToDictionary(day => day.ToString().ToLowerInvariant(), day => day, StringComparer.Ordinal);

    public static readonly ResourceShape<BusinessCalendar, CalendarDetails, CalendarRequest, CalendarResponse> Shape = new(
        "/api/v1/business-calendars",
        "business calendar",
        "Business calendars",
        "name; timeZone an IANA zone (Europe/Berlin); workingHours a list of { day: monday..sunday, start: HH:mm, end: HH:mm (24:00 allowed) } "
        + "that do not overlap on a day; holidays a list of dates (YYYY-MM-DD) on which nobody works. SLA targets count only this time.",
        db => db.BusinessCalendars,
        (request, _, _, errors, _) => Task.FromResult(Validate(request, errors)),
        details => new CalendarRequest(null, details.Name, details.TimeZone, [.. details.WorkingHours], [.. details.Holidays]),
        BusinessCalendar.Create,
        CalendarResponse.From,
        request => request.Id);

    public static CalendarDetails? Validate(CalendarRequest request, FieldErrors errors)
    {
        var name = errors.Required("name", request.Name, NameLength);
        var zone = errors.Required("timeZone", request.TimeZone, 64);
        if (zone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            errors.Add("timeZone", "This is not an IANA time zone such as Europe/Berlin or America/New_York.");
        }

        var periods = new List<WorkingHoursEntry>();
        var parsed = new List<WorkingPeriod>();
        if (request.WorkingHours is not { Count: > 0 } hours)
        {
            errors.Add("workingHours", "At least one working period is required.");
        }
        else if (hours.Count > 50)
        {
            errors.Add("workingHours", "At most 50 working periods.");
        }
        else
        {
            for (var i = 0; i < hours.Count; i++)
            {
                var entry = hours[i];
                var field = $"workingHours[{i}]";
                var dayName = entry?.Day?.Trim().ToLowerInvariant();
                if (dayName is null || !Days.TryGetValue(dayName, out var day))
                {
                    errors.Add($"{field}.day", "One of: monday, tuesday, wednesday, thursday, friday, saturday, sunday.");
                    continue;
                }

                var start = ParseTime(entry!.Start);
                var end = ParseTime(entry.End);
                if (start is null || start >= TimeSpan.FromHours(24))
                {
                    errors.Add($"{field}.start", "A time of day HH:mm such as 09:00.");
                }

                if (end is null)
                {
                    errors.Add($"{field}.end", "A time of day HH:mm such as 17:30, or 24:00.");
                }
                else if (start is not null && end <= start)
                {
                    errors.Add($"{field}.end", "The end must be after the start.");
                }

                if (start is { } s && end is { } e && e > s)
                {
                    if (parsed.Any(p => p.Day == day && p.Start < e && s < p.End))
                    {
                        errors.Add(field, "Overlaps another working period of the same day.");
                    }

                    parsed.Add(new WorkingPeriod(day, s, e));
                    periods.Add(new WorkingHoursEntry(dayName, entry.Start!.Trim(), entry.End!.Trim()));
                }
            }
        }

        var holidays = (request.Holidays ?? []).Distinct().Order().ToList();
        if (holidays.Count > 1000)
        {
            errors.Add("holidays", "At most 1000 holidays.");
        }

        return errors.IsEmpty ? new CalendarDetails(name!, zone!, periods, holidays) : null;
    }

    /// <summary><c>HH:mm</c> as a time of day; <c>24:00</c> is the end of the day.</summary>
    public static TimeSpan? ParseTime(string? text)
    {
        var value = text?.Trim();
        if (value == "24:00")
        {
            return TimeSpan.FromHours(24);
        }

        return TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time.ToTimeSpan() : null;
    }
}

internal sealed class BusinessCalendarConfiguration : IEntityTypeConfiguration<BusinessCalendar>
{
    public void Configure(EntityTypeBuilder<BusinessCalendar> calendar)
    {
        calendar.ToTable("business_calendars");
        calendar.HasKey(c => c.Id);
        calendar.Property(c => c.Id).ValueGeneratedNever();
        calendar.Property(c => c.Version).IsConcurrencyToken();
        calendar.HasIndex(c => new { c.TenantId, c.Id });
        calendar.ComplexProperty(c => c.Details, details =>
        {
            details.Property(d => d.Name).HasColumnName("name").HasMaxLength(CalendarRequests.NameLength);
            details.Property(d => d.TimeZone).HasColumnName("time_zone").HasMaxLength(64);
            details.Property(d => d.WorkingHours).HasColumnName("working_hours").HasColumnType("jsonb")
                .HasConversion(JsonColumn<IReadOnlyList<WorkingHoursEntry>>.Converter, JsonColumn<IReadOnlyList<WorkingHoursEntry>>.Comparer);
            details.Property(d => d.Holidays).HasColumnName("holidays").HasColumnType("jsonb")
                .HasConversion(JsonColumn<IReadOnlyList<DateOnly>>.Converter, JsonColumn<IReadOnlyList<DateOnly>>.Comparer);
        });
    }
}
