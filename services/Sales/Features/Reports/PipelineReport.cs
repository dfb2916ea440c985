using CrmCloud.Platform.Api;
using CrmCloud.Sales.Features.Leads;
using CrmCloud.Sales.Features.Opportunities;
using CrmCloud.Sales.Features.Pipelines;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Reports;

/// <summary>
/// One stage of the pipeline report. Open opportunities standing in it now: their count, amount and weighted amount
/// per currency. From the stage history: how many opportunities ever <see cref="Entered"/> the stage, how many of those
/// <see cref="Advanced"/> (entered a later stage or were won), their ratio, and the average days an opportunity stayed
/// before moving on or closing (stays still going are not counted).
/// </summary>
public sealed record PipelineStageRow(
    Guid StageId,
    string Name,
    int Probability,
    int OpenCount,
    IReadOnlyList<Money> OpenAmount,
    IReadOnlyList<Money> WeightedAmount,
    int Entered,
    int Advanced,
    decimal? ConversionRate,
    decimal? AverageDaysInStage);

/// <summary>The closed opportunities of one source (where the business came from: a lead's source, or manual).</summary>
public sealed record SourceWinRate(LeadSource Source, int Won, int Lost, decimal? WinRate);

/// <summary>
/// The stages in order, and the pipeline's closed opportunities: won, lost and the win rate (won ÷ closed), overall
/// and by source.
/// </summary>
public sealed record PipelineReportResponse(
    Guid PipelineId, string PipelineName, IReadOnlyList<PipelineStageRow> Stages, int Won, int Lost, decimal? WinRate, IReadOnlyList<SourceWinRate> WinRateBySource);

public static class PipelineReport
{
    public static async Task<PipelineReportResponse> ComputeAsync(SalesDb db, Pipeline pipeline, CancellationToken cancellationToken)
    {
        var opportunities = await db.Opportunities.AsNoTracking()
            .Where(o => o.Details.PipelineId == pipeline.Id)
            .Select(o => new { o.Id, o.Status, o.Source, o.Details.StageId, o.Details.Amount, o.Details.Currency, o.ClosedAt })
            .ToListAsync(cancellationToken);
        var ids = opportunities.Select(o => o.Id).ToList();
        var changes = (await db.OpportunityStageChanges.AsNoTracking()
                .Where(c => ids.Contains(c.OpportunityId))
                .Select(c => new { c.Id, c.OpportunityId, c.ToStageId, c.ChangedAt })
                .ToListAsync(cancellationToken))
            .ToLookup(c => c.OpportunityId);

        var stages = pipeline.Details.Stages;
        var index = stages.Select((stage, position) => (stage.Id, position)).ToDictionary(pair => pair.Id, pair => pair.position);
        var entered = stages.Select(_ => new HashSet<Guid>()).ToArray();
        var advanced = stages.Select(_ => new HashSet<Guid>()).ToArray();
        var days = stages.Select(_ => new List<double>()).ToArray();
        foreach (var opportunity in opportunities)
        {
            var history = changes[opportunity.Id].OrderBy(c => c.ChangedAt).ThenBy(c => c.Id).ToList();
            for (var k = 0; k < history.Count; k++)
            {
                if (!index.TryGetValue(history[k].ToStageId, out var position))
                {
                    continue;
                }

                entered[position].Add(opportunity.Id);
                var later = history.Skip(k + 1).Any(c => index.TryGetValue(c.ToStageId, out var next) && next > position);
                if (later || opportunity.Status == OpportunityStatus.Won)
                {
                    advanced[position].Add(opportunity.Id);
                }

                var left = k + 1 < history.Count ? history[k + 1].ChangedAt : opportunity.ClosedAt;
                if (left is { } end)
                {
                    days[position].Add((end - history[k].ChangedAt).TotalDays);
                }
            }
        }

        var open = opportunities.Where(o => o.Status == OpportunityStatus.Open).ToList();
        PipelineStageRow[] rows =
        [
            .. stages.Select((stage, position) =>
            {
                var here = open.Where(o => o.StageId == stage.Id).ToList();
                return new PipelineStageRow(
                    stage.Id,
                    stage.Name,
                    stage.Probability,
                    here.Count,
                    [.. here.GroupBy(o => o.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Money.Of(g.Sum(o => o.Amount), g.Key))],
                    [.. here.GroupBy(o => o.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
                        .Select(g => Money.Of(g.Sum(o => Currencies.Round(o.Amount * stage.Probability / 100m, g.Key)), g.Key))],
                    entered[position].Count,
                    advanced[position].Count,
                    Ratio(advanced[position].Count, entered[position].Count),
                    days[position].Count == 0 ? null : Math.Round((decimal)days[position].Average(), 2));
            }),
        ];
        var won = opportunities.Count(o => o.Status == OpportunityStatus.Won);
        var lost = opportunities.Count(o => o.Status == OpportunityStatus.Lost);
        SourceWinRate[] bySource =
        [
            .. opportunities.Where(o => o.Status != OpportunityStatus.Open)
                .GroupBy(o => o.Source)
                .OrderBy(g => g.Key)
                .Select(g =>
                {
                    var wonHere = g.Count(o => o.Status == OpportunityStatus.Won);
                    return new SourceWinRate(g.Key, wonHere, g.Count() - wonHere, Ratio(wonHere, g.Count()));
                }),
        ];
        return new PipelineReportResponse(pipeline.Id, pipeline.Details.Name, rows, won, lost, Ratio(won, won + lost), bySource);
    }

    /// <summary>A fraction with four decimals, or null when there is nothing to divide by.</summary>
    public static decimal? Ratio(int part, int whole) => whole == 0 ? null : Math.Round((decimal)part / whole, 4);
}
