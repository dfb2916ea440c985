using CrmCloud.Platform.Api;

namespace CrmCloud.Billing.Features.Invoices;

/// <summary>
/// One line of an invoice or credit note as written: <see cref="Discount"/> is an amount taken off the line,
/// <see cref="TaxRate"/> a fraction, copied with <see cref="TaxRateName"/> from the tenant's tax rate. <see cref="NetAmount"/>
/// is <c>Quantity × UnitPrice − Discount</c> and <see cref="TaxAmount"/> is <c>NetAmount × TaxRate</c>, each rounded
/// half-even to the currency's minor unit on the line, so totals are exact sums of what the lines show.
/// </summary>
public sealed record InvoiceLine(
    string Description,
    decimal Quantity,
    decimal UnitPrice,
    decimal Discount,
    Guid? TaxRateId,
    string? TaxRateName,
    decimal TaxRate,
    decimal NetAmount,
    decimal TaxAmount)
{
    public static InvoiceLine Priced(string description, decimal quantity, decimal unitPrice, decimal discount, Guid? taxRateId, string? taxRateName, decimal taxRate, string currency)
    {
        var net = Currencies.Round((quantity * unitPrice) - discount, currency);
        return new(description, quantity, unitPrice, discount, taxRateId, taxRateName, taxRate, net, Currencies.Round(net * taxRate, currency));
    }
}

/// <summary>What one tax rate adds up to over the lines that carry it.</summary>
public sealed record TaxBreakdown(decimal Rate, string? Name, decimal NetAmount, decimal TaxAmount);

/// <summary>The sums of a document's lines: always exactly the sum of their rounded parts.</summary>
public sealed record DocumentTotals(decimal NetTotal, decimal TaxTotal, decimal Total, IReadOnlyList<TaxBreakdown> ByTaxRate)
{
    public static DocumentTotals Of(IReadOnlyList<InvoiceLine> lines)
    {
        var net = lines.Sum(l => l.NetAmount);
        var tax = lines.Sum(l => l.TaxAmount);
        var byRate = lines
            .GroupBy(l => (l.TaxRate, l.TaxRateName))
            .Select(g => new TaxBreakdown(g.Key.TaxRate, g.Key.TaxRateName, g.Sum(l => l.NetAmount), g.Sum(l => l.TaxAmount)))
            .OrderBy(b => b.Rate)
            .ToList();
        return new(net, tax, net + tax, byRate);
    }
}
