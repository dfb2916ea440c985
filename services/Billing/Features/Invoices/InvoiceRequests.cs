using System.Text.Json;
using CrmCloud.Billing.Features.TaxRates;
using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Features.Invoices;

/// <summary>A line as a caller writes it: amounts are decimal strings, <c>discount</c> an amount off the line, the tax from one of the tenant's tax rates.</summary>
public sealed record InvoiceLineRequest(string? Description, decimal? Quantity, string? UnitPrice, string? Discount, Guid? TaxRateId);

/// <summary>
/// A draft invoice to create: <c>currency</c> defaults to the account's, <c>series</c> to <c>INV</c>; <c>issue: true</c>
/// issues it at once. <c>id</c> may be supplied for idempotent imports.
/// </summary>
public sealed record CreateInvoiceRequest(Guid? Id, Guid? BillingAccountId, string? Currency, string? Series, string? Memo, IReadOnlyList<InvoiceLineRequest>? Lines, bool? Issue);

public sealed record VoidInvoiceRequest(string? Reason);

public sealed record InvoiceLineResponse(
    string Description, decimal Quantity, Money UnitPrice, Money Discount, Guid? TaxRateId, string? TaxRateName, decimal TaxRate, Money NetAmount, Money TaxAmount)
{
    public static InvoiceLineResponse From(InvoiceLine line, string currency)
    {
        Money Of(decimal amount) => Money.Of(amount, currency);
        return new(
            line.Description, PricingFields.Trimmed(line.Quantity), Of(line.UnitPrice), Of(line.Discount), line.TaxRateId, line.TaxRateName,
            PricingFields.Trimmed(line.TaxRate), Of(line.NetAmount), Of(line.TaxAmount));
    }
}

public sealed record TaxBreakdownResponse(decimal Rate, string? Name, Money NetAmount, Money TaxAmount);

public sealed record InvoiceResponse(
    Guid Id,
    string? Number,
    string Series,
    InvoiceStatus Status,
    Guid BillingAccountId,
    Guid PersonId,
    Guid? CompanyId,
    Guid? OrderId,
    Guid? SubscriptionId,
    DateOnly? PeriodStart,
    string Currency,
    IReadOnlyList<InvoiceLineResponse> Lines,
    IReadOnlyList<TaxBreakdownResponse> Taxes,
    Money NetTotal,
    Money TaxTotal,
    Money Total,
    Money AmountPaid,
    Money AmountCredited,
    Money AmountDue,
    DateOnly? IssuedOn,
    DateOnly? DueDate,
    BillTo? BillTo,
    string? Memo,
    string? VoidReason,
    DateTimeOffset? VoidedAt,
    IReadOnlyList<int> RemindersSent,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static InvoiceResponse From(Invoice invoice)
    {
        var currency = invoice.Currency;
        Money Of(decimal amount) => Money.Of(amount, currency);
        return new(
            invoice.Id,
            invoice.Number,
            invoice.Series,
            invoice.Status,
            invoice.BillingAccountId,
            invoice.PersonId,
            invoice.CompanyId,
            invoice.OrderId,
            invoice.SubscriptionId,
            invoice.PeriodStart,
            currency,
            [.. invoice.Lines.Select(l => InvoiceLineResponse.From(l, currency))],
            [.. DocumentTotals.Of(invoice.Lines).ByTaxRate.Select(t => new TaxBreakdownResponse(PricingFields.Trimmed(t.Rate), t.Name, Of(t.NetAmount), Of(t.TaxAmount)))],
            Of(invoice.NetTotal),
            Of(invoice.TaxTotal),
            Of(invoice.Total),
            Of(invoice.PaidAmount),
            Of(invoice.CreditedAmount),
            Of(invoice.Status is InvoiceStatus.Void or InvoiceStatus.Draft ? 0 : invoice.Outstanding),
            invoice.IssuedOn,
            invoice.DueDate,
            invoice.BillTo,
            invoice.Memo,
            invoice.VoidReason,
            invoice.VoidedAt,
            invoice.RemindersSent,
            invoice.CreatedAt,
            invoice.UpdatedAt,
            invoice.Version);
    }
}

/// <summary>The rules invoice lines follow, on create and on every patch of a draft.</summary>
public static class InvoiceRequests
{
    public const int DescriptionLength = 500;
    public const int MemoLength = 2000;
    public const int ReasonLength = 500;
    public const int MaxLines = 500;

    private static readonly HashSet<string> Patchable = ["lines", "memo"];

    /// <summary>A series is 1 to 10 upper-case letters and digits (<c>INV</c>, <c>EXP</c>).</summary>
    public static string? Series(FieldErrors errors, string? value)
    {
        var series = errors.Optional("series", value, 10)?.ToUpperInvariant() ?? Invoice.DefaultSeries;
        if (!series.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add("series", "A series holds 1 to 10 letters and digits, such as INV.");
        }

        return series;
    }

    /// <summary>
    /// The lines priced in <paramref name="currency"/> (null when it is not known yet: the lines are then only checked),
    /// their tax rates read from the tenant's; errors name each line's field (<c>lines[2].unitPrice</c>).
    /// </summary>
    public static async Task<List<InvoiceLine>> LinesAsync(
        BillingDb db, IReadOnlyList<InvoiceLineRequest>? lines, string? currency, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (lines is null || lines.Count == 0)
        {
            errors.Add("lines", "At least one line is required.");
            return [];
        }

        if (lines.Count > MaxLines)
        {
            errors.Add("lines", $"At most {MaxLines} lines.");
            return [];
        }

        var rateIds = lines.Where(l => l?.TaxRateId is not null).Select(l => l.TaxRateId!.Value).Distinct().ToList();
        var rates = await db.TaxRates.AsNoTracking().Where(r => rateIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        var priced = new List<InvoiceLine>();
        for (var index = 0; index < lines.Count; index++)
        {
            var field = $"lines[{index}]";
            if (lines[index] is not { } line)
            {
                errors.Add(field, "A line is an object.");
                continue;
            }

            var description = errors.Required($"{field}.description", line.Description, DescriptionLength);
            var quantity = errors.Quantity($"{field}.quantity", line.Quantity);
            var unitPrice = errors.Amount($"{field}.unitPrice", line.UnitPrice, PricingFields.UnitPriceDecimals);
            var discount = line.Discount is null ? 0 : errors.Amount($"{field}.discount", line.Discount, PricingFields.UnitPriceDecimals);
            TaxRate? rate = null;
            if (line.TaxRateId is { } rateId && !rates.TryGetValue(rateId, out rate))
            {
                errors.Add($"{field}.taxRateId", "No tax rate with this id.");
            }

            if (quantity is { } q && unitPrice is { } p && discount is { } d && d > q * p)
            {
                errors.Add($"{field}.discount", "The discount cannot exceed quantity × unitPrice.");
            }

            if (errors.IsEmpty && currency is not null)
            {
                priced.Add(InvoiceLine.Priced(description!, quantity!.Value, unitPrice!.Value, discount!.Value, rate?.Id, rate?.Details.Name, rate?.Details.Rate ?? 0, currency));
            }
        }

        return priced;
    }

    public static async Task<(List<InvoiceLine>? Lines, string? Memo)> ApplyPatchAsync(
        this Invoice current, JsonElement body, JsonSerializerOptions json, BillingDb db, FieldErrors errors, CancellationToken cancellationToken)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return (null, null);
        }

        var memo = errors.Optional("memo", patch.Text("memo", current.Memo, errors), MemoLength);
        List<InvoiceLine> lines = [.. current.Lines];
        if (patch.Has("lines"))
        {
            var requested = patch.Value<IReadOnlyList<InvoiceLineRequest>>("lines", null, json, errors);
            if (!errors.IsEmpty)
            {
                return (null, null);
            }

            lines = await LinesAsync(db, requested, current.Currency, errors, cancellationToken);
        }

        return errors.IsEmpty ? (lines, memo) : (null, null);
    }
}
