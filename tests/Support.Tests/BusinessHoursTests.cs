using CrmCloud.Support.Features.Calendars;
using CrmCloud.Support.Features.Sla;
using CrmCloud.Support.Features.Tickets;
using Xunit;

namespace CrmCloud.Support.Tests;

/// <summary>
/// Due times against cases worked out by hand. The calendar: Europe/Berlin (UTC+1 in winter), Monday to Friday
/// 09:00–17:00, Christmas Day 2026 (a Friday) a holiday. 2026-11-27 is a Friday.
/// </summary>
public sealed class BusinessHoursTests
{
    private static readonly BusinessHours Berlin = new(
        TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"),
        [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(day => new WorkingPeriod(day, TimeSpan.FromHours(9), TimeSpan.FromHours(17)))],
        [new DateOnly(2026, 12, 25)]);

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Four_hours_from_friday_afternoon_fall_due_on_monday_morning()
    {
        // Friday 15:00 Berlin: two hours left that day, two more from Monday 09:00, so Monday 11:00 Berlin = 10:00 UTC.
        Assert.Equal(Utc(11, 30, 10), Berlin.Add(Utc(11, 27, 14), TimeSpan.FromHours(4)));
        Assert.Equal(TimeSpan.FromHours(4), Berlin.Between(Utc(11, 27, 14), Utc(11, 30, 10)));
    }

    [Fact]
    public void A_holiday_and_the_weekend_after_it_are_skipped()
    {
        // Thursday 24 Dec 16:00 Berlin: one hour that day, Friday is Christmas, then Saturday and Sunday; two hours from Monday 09:00.
        Assert.Equal(Utc(12, 28, 10), Berlin.Add(Utc(12, 24, 15), TimeSpan.FromHours(3)));
    }

    [Fact]
    public void Time_before_opening_and_at_night_does_not_count()
    {
        Assert.Equal(Utc(11, 30, 9), Berlin.Add(Utc(11, 30, 6), TimeSpan.FromHours(1)));
        Assert.Equal(Utc(12, 1, 8, 30), Berlin.Add(Utc(11, 30, 15, 30), TimeSpan.FromMinutes(60)));
        Assert.Equal(TimeSpan.Zero, Berlin.Between(Utc(11, 28, 0), Utc(11, 29, 23)));
    }

    [Fact]
    public void A_paused_clock_keeps_what_it_used_and_resumes_where_it_stopped()
    {
        // Started Monday 09:00 Berlin, paused at 13:00 (4 of 8 hours used), resumed Tuesday 10:30: due Tuesday 14:30 Berlin.
        var clock = SlaClock.StartedAt(Utc(11, 30, 8)).Pause(Utc(11, 30, 12), Berlin);
        Assert.Equal(TimeSpan.FromHours(4), clock.Used);
        Assert.Null(clock.DueAt(TimeSpan.FromHours(8), Berlin));
        Assert.Equal(Utc(12, 1, 13, 30), clock.Resume(Utc(12, 1, 9, 30)).DueAt(TimeSpan.FromHours(8), Berlin));
    }

    [Fact]
    public void A_ticket_shows_its_due_times_and_pending_pauses_its_resolution_clock()
    {
        var terms = new SlaTerms(Guid.NewGuid(), TimeSpan.FromHours(2), TimeSpan.FromHours(8), Berlin);
        var edit = new TicketEdit("Down", TicketPriority.High, TicketStatus.Open, null, null, null, []);
        var (ticket, _) = Ticket.Open("t", Guid.NewGuid(), "T-000001", edit, new TicketRequester(Guid.NewGuid(), null, null), TicketChannel.Email, TicketKind.Reactive, null, null, terms, Utc(11, 27, 14));

        // Friday 15:00 Berlin: first response by 17:00 the same day; resolution 2 hours on Friday and 6 on Monday, so Monday 15:00 Berlin.
        Assert.Equal(Utc(11, 27, 16), ticket.FirstResponseDueAt);
        Assert.Equal(Utc(11, 30, 14), ticket.ResolutionDueAt);

        // Pending at Monday 10:00 Berlin (3 hours used), open again Tuesday 09:00 Berlin: 5 hours left, due Tuesday 14:00 Berlin.
        ticket.Change(edit with { Status = TicketStatus.Pending }, terms, "agent", Utc(11, 30, 9), []);
        Assert.Null(ticket.ResolutionDueAt);
        ticket.Change(edit, terms, "agent", Utc(12, 1, 8), []);
        Assert.Equal(Utc(12, 1, 13), ticket.ResolutionDueAt);
    }
}
