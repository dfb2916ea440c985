using System.Globalization;
using CrmCloud.Platform.Api;
using CrmCloud.Sales.Features.Opportunities;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Reports;

/// <summary>
/// One period, owner and currency of the forecast: the open opportunities expected to close in the period, their
/// amount and their weighted amount (each opportunity's amount × its stage's probability, rounded half-even to the
/// minor unit, then summed), and the opportunities won in the period. <see cref="Period"/> is <c>2026-12</c> for a
/// month, <c>2026-Q4</c> for a quarter, or <c>unscheduled</c> for open opportunities without an expected close date
/// (left out when the report is limited to dates).
/// </summary>
public sealed record ForecastRow(string Period, DateOnly? PeriodStart, string OwnerId, int OpenCount, Money OpenAmount, Money WeightedAmount, int WonCount, Money WonAmount);

public sealed record ForecastResponse(string PeriodKind, IReadOnlyList<ForecastRow> Items);

public enum ForecastPeriod
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("month")]
    Month,

    [System.Text.Json.Serialization.JsonStringEnumMemberName("quarter")]
    Quarter,
}

/// <summary>The weighted pipeline by period and owner, worked out from the tenant's opportunities and their pipelines' stage probabilities.</summary>
public static class ForecastReport
{
    public static async Task<ForecastResponse> ComputeAsync(
        SalesDb db, ForecastPeriod period, DateOnly? from, DateOnly? to, string? ownerId, Guid? pipelineId, CancellationToken cancellationToken)
    {
        var opportunities = db.Opportunities.AsNoTracking().Where(o => o.Status != OpportunityStatus.Lost);
        if (ownerId is not null)
        {
            opportunities = opportunities.Where(o => o.Details.OwnerId == ownerId);
        }

        if (pipelineId is { } pipeline)
        {
            opportunities = opportunities.Where(o => o.Details.PipelineId == pipeline);
        }

        var rows = await opportunities
            .Select(o => new { o.Status, o.Details.OwnerId, o.Details.Amount, o.Details.Currency, o.Details.PipelineId, o.Details.StageId, o.Details.ExpectedCloseDate, o.ClosedAt })
            .ToListAsync(cancellationToken);
        var probabilities = await StageProbabilitiesAsync(db, cancellationToken);

        var entries = rows
            .Select(o => o.Status == OpportunityStatus.Won
                ? (Day: o.ClosedAt is { } closed ? DateOnly.FromDateTime(closed.UtcDateTime) : (DateOnly?)null, o.OwnerId, o.Currency, Open: 0m, Weighted: 0m, Won: o.Amount, IsOpen: false)
                : (Day: o.ExpectedCloseDate, o.OwnerId, o.Currency, Open: o.Amount,
                    Weighted: Currencies.Round(o.Amount * probabilities.GetValueOrDefault(o.StageId) / 100m, o.Currency), Won: 0m, IsOpen: true))
            .Where(e => e.Day is { } day ? (from is null || day >= from) && (to is null || day <= to) : e.IsOpen && from is null && to is null);

        ForecastRow[] items =
        [
            .. entries
                .GroupBy(e => (Start: e.Day is { } day ? Start(day, period) : (DateOnly?)null, e.OwnerId, e.Currency))
                .OrderBy(g => g.Key.Start is null).ThenBy(g => g.Key.Start).ThenBy(g => g.Key.OwnerId, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
                .Select(g => new ForecastRow(
                    g.Key.Start is { } start ? Name(start, period) : "unscheduled",
                    g.Key.Start,
                    g.Key.OwnerId,
                    g.Count(e => e.IsOpen),
                    Money.Of(g.Sum(e => e.Open), g.Key.Currency),
                    Money.Of(g.Sum(e => e.Weighted), g.Key.Currency),
                    g.Count(e => !e.IsOpen),
                    Money.Of(g.Sum(e => e.Won), g.Key.Currency))),
        ];
        return new ForecastResponse(period == ForecastPeriod.Month ? "month" : "quarter", items);
    }

    /// <summary>Every stage's win probability in percent, by stage id (stage ids are unique across pipelines).</summary>
    public static async Task<Dictionary<Guid, int>> StageProbabilitiesAsync(SalesDb db, CancellationToken cancellationToken) =>
        (await db.Pipelines.AsNoTracking().Select(p => p.Details.Stages).ToListAsync(cancellationToken))
            .SelectMany(stages => stages)
            .ToDictionary(stage => stage.Id, stage => stage.Probability);

    private static DateOnly Start(DateOnly day, ForecastPeriod period) =>
        period == ForecastPeriod.Month ? new DateOnly(day.Year, day.Month, 1) : new DateOnly(day.Year, ((day.Month - 1) / 3 * 3) + 1, 1);

    private static string Name(DateOnly start, ForecastPeriod period) =>
        period == ForecastPeriod.Month
            ? start.ToString("yyyy-MM", CultureInfo.InvariantCulture)
            : $"{start.Year}-Q{((start.Month - 1) / 3) + 1}";
}
