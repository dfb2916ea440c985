using System.Globalization;
using System.Text.Json.Serialization;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using CrmCloud.Support.Features.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Support.Features.Reports;

public enum ReportPeriod
{
    /// <summary>ISO weeks, Monday to Sunday.</summary>
    [JsonStringEnumMemberName("week")]
    Week,

    [JsonStringEnumMemberName("month")]
    Month,
}

/// <summary>Unsolved tickets of one group standing in one status at one priority now.</summary>
public sealed record BacklogRow(string? Group, TicketStatus Status, TicketPriority Priority, int Count);

/// <summary>
/// How fast one target was met in a period: <see cref="Count"/> tickets reached it (first responded, or solved) in the
/// period, taking a median and 90th percentile of <see cref="MedianMinutes"/>/<see cref="P90Minutes"/> wall-clock
/// minutes from opening. Of the tickets whose SLA target was settled in the period (met or missed when reached, or
/// missed when its due time passed unreached), <see cref="SlaMet"/> of <see cref="SlaMeasured"/> met it.
/// </summary>
public sealed record TargetFigures(int Count, decimal? MedianMinutes, decimal? P90Minutes, int SlaMeasured, int SlaMet, decimal? SlaAttainment);

/// <summary>The satisfaction ratings (1–5) given in a period.</summary>
public sealed record SatisfactionFigures(int Count, decimal? Average);

public sealed record SupportReportRow(DateOnly PeriodStart, string? Group, int Opened, TargetFigures FirstResponse, TargetFigures Resolution, SatisfactionFigures Satisfaction);

public sealed record SupportReportResponse(ReportPeriod Period, DateOnly From, DateOnly To, string? Group, IReadOnlyList<BacklogRow> Backlog, IReadOnlyList<SupportReportRow> Items);

public static class SupportReport
{
    /// <summary>Two years of days: the longest range a report covers.</summary>
    private const int MaxDays = 731;

    public static RouteGroupBuilder MapSupportReports(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/v1/reports").WithTags("Support reports");

        reports.MapGet("/support", Get)
            .RequireScope(Scopes.Read("support"))
            .WithName("GetSupportReport")
            .WithSummary("Backlog, first-response and resolution times (wall-clock minutes, median and p90), SLA attainment and satisfaction, per group and period")
            .WithDescription(
                "backlog: the unsolved tickets now, per group, status and priority. items: per period (?period= week, Monday to Sunday, or month, the default; "
                + "periods in UTC, named by their first day) and group: tickets opened; firstResponse and resolution: the tickets first answered or solved in "
                + "the period, with the median and 90th percentile of the wall-clock minutes from opening (paused time included), and the SLA attainment "
                + "(slaMet of slaMeasured: targets reached in the period, met when by their due time, and targets whose due time passed in the period "
                + "unreached, all missed); satisfaction: the ratings given in the period, count and average. ?from= and ?to= dates (YYYY-MM-DD, both "
                + "included, default the last 90 days, at most 731 days); ?group= one group only (tickets without a group have no group in the rows).")
            .ProducesValidationProblem();

        return reports;
    }

    /// <remarks>Columns are read by the snake_case names of the members (the database's naming convention).</remarks>
    private sealed record Fact(
        DateOnly PeriodStart, string? GroupName, string Measure, int Facts, int Timed, double? MedianMinutes, double? P90Minutes, int Targeted, int Met, double? AverageRating);

    private static async Task<Results<Ok<SupportReportResponse>, ValidationProblem>> Get(
        string? period, string? from, string? to, string? group, SupportDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var kind = errors.OneOf<ReportPeriod>("period", period) ?? ReportPeriod.Month;
        var now = time.GetUtcNow();
        var last = Day(errors, "to", to) ?? DateOnly.FromDateTime(now.UtcDateTime);
        var first = Day(errors, "from", from) ?? last.AddDays(-89);
        if (errors.IsEmpty && (first > last || last.DayNumber - first.DayNumber >= MaxDays))
        {
            errors.Add("to", $"On or after from, and at most {MaxDays} days after it.");
        }

        var onlyGroup = errors.Optional("group", group, TicketRequests.GroupLength);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var backlog = db.Tickets.AsNoTracking().Where(t => t.Status != TicketStatus.Solved && t.Status != TicketStatus.Closed);
        if (onlyGroup is not null)
        {
            backlog = backlog.Where(t => t.Group == onlyGroup);
        }

        var standing = await backlog
            .GroupBy(t => new { t.Group, t.Status, t.Priority })
            .Select(g => new BacklogRow(g.Key.Group, g.Key.Status, g.Key.Priority, g.Count()))
            .ToListAsync(cancellationToken);

        var facts = await FactsAsync(db, kind, first, last, onlyGroup, now, cancellationToken);
        SupportReportRow[] rows =
        [
            .. facts.GroupBy(f => (f.PeriodStart, f.GroupName))
                .Select(g =>
                {
                    var opened = g.FirstOrDefault(f => f.Measure == "opened");
                    var rating = g.FirstOrDefault(f => f.Measure == "satisfaction");
                    return new SupportReportRow(
                        g.Key.PeriodStart,
                        g.Key.GroupName,
                        opened?.Facts ?? 0,
                        Target(g.FirstOrDefault(f => f.Measure == "first-response")),
                        Target(g.FirstOrDefault(f => f.Measure == "resolution")),
                        new SatisfactionFigures(rating?.Facts ?? 0, Rounded(rating?.AverageRating)));
                }),
        ];
        return TypedResults.Ok(new SupportReportResponse(
            kind,
            first,
            last,
            onlyGroup,
            [.. standing.OrderBy(r => r.Group, StringComparer.Ordinal).ThenBy(r => r.Status).ThenBy(r => r.Priority)],
            rows));
    }

    /// <summary>
    /// Every fact of the range as one row per period, group and measure, aggregated in the database: tickets opened,
    /// first responses and solutions (their minutes from opening, and whether they met the due time), targets missed
    /// unreached, and ratings.
    /// </summary>
    private static Task<List<Fact>> FactsAsync(
        SupportDb db, ReportPeriod kind, DateOnly first, DateOnly last, string? group, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tenant = db.Tenant.TenantId;
        var period = WireNames<ReportPeriod>.Of(kind);
        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return db.Database.SqlQuery<Fact>(
            $"""
            WITH facts AS (
                SELECT group_name, 'opened' AS measure, created_at AS at, NULL::double precision AS minutes, NULL::boolean AS met, NULL::integer AS rating
                FROM tickets WHERE tenant_id = {tenant} AND created_at >= {start} AND created_at < {end}
                UNION ALL
                SELECT group_name, 'first-response', first_responded_at, extract(epoch FROM first_responded_at - created_at) / 60, first_responded_at <= first_response_due_at, NULL
                FROM tickets WHERE tenant_id = {tenant} AND first_responded_at >= {start} AND first_responded_at < {end}
                UNION ALL
                SELECT group_name, 'first-response', first_response_due_at, NULL, false, NULL
                FROM tickets
                WHERE tenant_id = {tenant} AND first_responded_at IS NULL AND first_response_due_at >= {start} AND first_response_due_at < {end} AND first_response_due_at <= {now}
                UNION ALL
                SELECT group_name, 'resolution', solved_at, extract(epoch FROM solved_at - created_at) / 60, solved_at <= resolution_due_at, NULL
                FROM tickets WHERE tenant_id = {tenant} AND solved_at >= {start} AND solved_at < {end}
                UNION ALL
                SELECT group_name, 'resolution', resolution_due_at, NULL, false, NULL
                FROM tickets
                WHERE tenant_id = {tenant} AND solved_at IS NULL AND resolution_due_at >= {start} AND resolution_due_at < {end} AND resolution_due_at <= {now}
                UNION ALL
                SELECT t.group_name, 'satisfaction', s.rated_at, NULL, NULL, s.rating
                FROM satisfaction_surveys s JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
                WHERE s.tenant_id = {tenant} AND s.rated_at >= {start} AND s.rated_at < {end}
            )
            SELECT date_trunc({period}, at AT TIME ZONE 'UTC')::date AS period_start,
                   group_name,
                   measure,
                   count(*)::integer AS facts,
                   count(minutes)::integer AS timed,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) AS median_minutes,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes) AS p90minutes,
                   count(met)::integer AS targeted,
                   (count(*) FILTER (WHERE met))::integer AS met,
                   avg(rating)::double precision AS average_rating
            FROM facts
            WHERE {group}::text IS NULL OR group_name = {group}::text
            GROUP BY 1, 2, 3
            ORDER BY 1, 2 NULLS FIRST, 3
            """).ToListAsync(cancellationToken);
    }

    private static TargetFigures Target(Fact? fact) => fact is null
        ? new TargetFigures(0, null, null, 0, 0, null)
        : new TargetFigures(fact.Timed, Rounded(fact.MedianMinutes), Rounded(fact.P90Minutes), fact.Targeted, fact.Met, fact.Targeted == 0 ? null : Math.Round((decimal)fact.Met / fact.Targeted, 4));

    private static decimal? Rounded(double? value) => value is { } number ? Math.Round((decimal)number, 2) : null;

    private static DateOnly? Day(FieldErrors errors, string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(field, "A date as YYYY-MM-DD.");
        return null;
    }
}
