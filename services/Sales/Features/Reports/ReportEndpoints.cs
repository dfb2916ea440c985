using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Pipelines;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Reports;

public static class ReportEndpoints
{
    public static RouteGroupBuilder MapSalesReports(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/v1/reports").WithTags("Sales reports");

        reports.MapGet("/forecast", Forecast)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetSalesForecast")
            .WithSummary("The weighted pipeline by period and owner")
            .WithDescription(
                "?period= month (default) or quarter. Per period, owner and currency: open opportunities by expected close date (count, amount, and the weighted "
                + "amount: each amount × its stage's probability, rounded half-even to the minor unit, then summed) and those won in the period by the day they "
                + "were won. Open opportunities without an expected close date are in the period 'unscheduled'. Currencies are never summed together. "
                + "Optional ?from= and ?to= (dates, inclusive), ?ownerId=, ?pipelineId=.")
            .ProducesValidationProblem();

        reports.MapGet("/pipeline", Pipeline)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetPipelineReport")
            .WithSummary("Count and value per stage, conversion between stages, time in stage and win rate")
            .WithDescription(
                "For ?pipelineId= (default: the tenant's default pipeline), each stage in order: the open opportunities in it (count, amount and weighted amount "
                + "per currency), how many opportunities ever entered it and how many of those moved to a later stage or were won (conversionRate, a fraction), "
                + "and the average days spent in it by stays that ended. Then won, lost and the win rate of the pipeline's closed opportunities, overall and by source "
                + "(manual, web-form, import, partner, campaign: where the opportunity's business came from).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return reports;
    }

    private static async Task<Results<Ok<ForecastResponse>, ValidationProblem>> Forecast(
        string? period, DateOnly? from, DateOnly? to, string? ownerId, Guid? pipelineId, SalesDb db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var kind = errors.OneOf<ForecastPeriod>("period", period) ?? ForecastPeriod.Month;

        if (from > to)
        {
            errors.Add("to", "On or after from.");
        }

        return errors.IsEmpty
            ? TypedResults.Ok(await ForecastReport.ComputeAsync(db, kind, from, to, ownerId, pipelineId, cancellationToken))
            : ApiProblems.Invalid(errors);
    }

    private static async Task<Results<Ok<PipelineReportResponse>, ValidationProblem, ProblemHttpResult>> Pipeline(
        Guid? pipelineId, SalesDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var pipeline = pipelineId is { } id
            ? await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken)
            : await DefaultPipeline.GetOrCreateAsync(db, time, cancellationToken);
        return pipeline is null
            ? ApiProblems.NotFound("pipeline", pipelineId!.Value)
            : TypedResults.Ok(await PipelineReport.ComputeAsync(db, pipeline, cancellationToken));
    }
}
