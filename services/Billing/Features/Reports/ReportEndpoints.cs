using System.Globalization;
using CrmCloud.Platform.Api;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.Reports;

/// <summary>What one account owes in one currency, by how long it is past due (not yet due counts as 0–30 days).</summary>
public sealed record ReceivablesRow(Guid BillingAccountId, string BillingName, string Currency, Money Days0To30, Money Days31To60, Money Days61To90, Money Over90, Money Total);

public sealed record ReceivablesReport(DateOnly AsOf, IReadOnlyList<ReceivablesRow> Items);

/// <summary>One month in one currency: issued invoices (void ones left out), payments less refunds, credit notes.</summary>
public sealed record RevenueRow(string Month, string Currency, Money Invoiced, Money Collected, Money Credited);

public sealed record RevenueReport(string Period, string From, string To, IReadOnlyList<RevenueRow> Items);

public static class ReportEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/v1/reports").WithTags("Billing reports");

        reports.MapGet("/receivables", Receivables)
            .RequireScope(Scopes.Read("billing"))
            .WithName("ReceivablesAgeing")
            .WithSummary("Receivables ageing per account")
            .WithDescription("What each account still owes on its issued invoices, per currency, in buckets of days past the due date (0–30, 31–60, 61–90, over 90) as of ?asOf= (default today).")
            .ProducesValidationProblem();

        reports.MapGet("/revenue", Revenue)
            .RequireScope(Scopes.Read("billing"))
            .WithName("RevenueByMonth")
            .WithSummary("Revenue by month")
            .WithDescription(
                "Per month and currency: invoiced (issued invoices, void ones left out), collected (payments received less refunds) and credited (credit notes). "
                + "?period=month (the only period so far); ?from= and ?to= as YYYY-MM, both included, default the last 12 months; at most 120 months.")
            .ProducesValidationProblem();
    }

    /// <remarks>Columns are read by the snake_case names of the members (the database's naming convention).</remarks>
    private sealed record AgeingRow(Guid BillingAccountId, string Currency, decimal WithinThirty, decimal WithinSixty, decimal WithinNinety, decimal BeyondNinety);

    /// <remarks>Columns are read by the snake_case names of the members.</remarks>
    private sealed record MonthRow(DateOnly Month, string Currency, decimal Invoiced, decimal Collected, decimal Credited);

    private static async Task<Results<Ok<ReceivablesReport>, ValidationProblem>> Receivables(DateOnly? asOf, BillingDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var day = asOf ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var tenant = db.Tenant.TenantId;
        var rows = await db.Database.SqlQuery<AgeingRow>(
            $"""
            SELECT billing_account_id, currency,
                   sum(CASE WHEN {day} - due_date <= 30 THEN total - paid_amount - credited_amount ELSE 0 END) AS within_thirty,
                   sum(CASE WHEN {day} - due_date BETWEEN 31 AND 60 THEN total - paid_amount - credited_amount ELSE 0 END) AS within_sixty,
                   sum(CASE WHEN {day} - due_date BETWEEN 61 AND 90 THEN total - paid_amount - credited_amount ELSE 0 END) AS within_ninety,
                   sum(CASE WHEN {day} - due_date > 90 THEN total - paid_amount - credited_amount ELSE 0 END) AS beyond_ninety
            FROM invoices
            WHERE tenant_id = {tenant} AND status IN ('issued', 'partially-paid', 'overdue') AND issued_on <= {day}
            GROUP BY billing_account_id, currency
            ORDER BY billing_account_id, currency
            """).ToListAsync(cancellationToken);
        var accountIds = rows.Select(r => r.BillingAccountId).Distinct().ToList();
        var names = await db.BillingAccounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.BillingName, cancellationToken);
        return TypedResults.Ok(new ReceivablesReport(day, [.. rows.Select(r =>
        {
            Money Of(decimal amount) => Money.Of(amount, r.Currency);
            return new ReceivablesRow(
                r.BillingAccountId, names.GetValueOrDefault(r.BillingAccountId, ""), r.Currency,
                Of(r.WithinThirty), Of(r.WithinSixty), Of(r.WithinNinety), Of(r.BeyondNinety), Of(r.WithinThirty + r.WithinSixty + r.WithinNinety + r.BeyondNinety));
        })]));
    }

    private static async Task<Results<Ok<RevenueReport>, ValidationProblem>> Revenue(
        string? period, string? from, string? to, BillingDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (period is not (null or "month"))
        {
            errors.Add("period", "Only month is supported.");
        }

        var thisMonth = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        thisMonth = new DateOnly(thisMonth.Year, thisMonth.Month, 1);
        var last = Month(errors, "to", to) ?? thisMonth;
        var first = Month(errors, "from", from) ?? last.AddMonths(-11);
        if (errors.IsEmpty && (first > last || first.AddMonths(120) <= last))
        {
            errors.Add("from", "from must not be after to, and the range at most 120 months.");
        }

        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var tenant = db.Tenant.TenantId;
        var end = last.AddMonths(1);
        var startTime = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var endTime = new DateTimeOffset(end.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var rows = await db.Database.SqlQuery<MonthRow>(
            $"""
            SELECT month, currency, sum(invoiced) AS invoiced, sum(collected) AS collected, sum(credited) AS credited
            FROM (
                SELECT date_trunc('month', issued_on)::date AS month, currency, total AS invoiced, 0::numeric AS collected, 0::numeric AS credited
                FROM invoices WHERE tenant_id = {tenant} AND status <> 'void' AND issued_on >= {first} AND issued_on < {end}
                UNION ALL
                SELECT date_trunc('month', received_at AT TIME ZONE 'UTC')::date, currency, 0, amount, 0
                FROM payments WHERE tenant_id = {tenant} AND received_at >= {startTime} AND received_at < {endTime}
                UNION ALL
                SELECT date_trunc('month', (refund->>'refundedAt')::timestamptz AT TIME ZONE 'UTC')::date, currency, 0, -(refund->>'amount')::numeric, 0
                FROM payments, jsonb_array_elements(refunds) AS refund
                WHERE tenant_id = {tenant} AND (refund->>'refundedAt')::timestamptz >= {startTime} AND (refund->>'refundedAt')::timestamptz < {endTime}
                UNION ALL
                SELECT date_trunc('month', issued_on)::date, currency, 0, 0, total
                FROM credit_notes WHERE tenant_id = {tenant} AND issued_on >= {first} AND issued_on < {end}
            ) AS facts
            GROUP BY month, currency
            ORDER BY month, currency
            """).ToListAsync(cancellationToken);
        return TypedResults.Ok(new RevenueReport(
            "month", MonthText(first), MonthText(last),
            [.. rows.Select(r => new RevenueRow(MonthText(r.Month), r.Currency, Money.Of(r.Invoiced, r.Currency), Money.Of(r.Collected, r.Currency), Money.Of(r.Credited, r.Currency)))]));
    }

    private static DateOnly? Month(FieldErrors errors, string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            return month;
        }

        errors.Add(field, "A month as YYYY-MM.");
        return null;
    }

    private static string MonthText(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
