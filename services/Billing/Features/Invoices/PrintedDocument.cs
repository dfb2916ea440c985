using System.Globalization;
using System.Net;
using System.Text;
using CrmCloud.Billing.Features.CreditNotes;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Billing.Features.Invoices;

/// <summary>
/// An invoice or credit note as a printable HTML page: what <c>GET /api/v1/invoices/{id}</c> and
/// <c>GET /api/v1/credit-notes/{id}</c> answer to <c>Accept: text/html</c>. Both print the same way: title, addressee,
/// dates, lines, totals per tax rate, then what settled it and any notes.
/// </summary>
public sealed record PrintedDocument(
    string Title,
    string Status,
    BillTo? BillTo,
    IReadOnlyList<(string Label, DateOnly? Date)> Dates,
    string Currency,
    IReadOnlyList<InvoiceLine> Lines,
    decimal NetTotal,
    decimal Total,
    IReadOnlyList<(string Label, decimal Amount)> Settlement,
    IReadOnlyList<string> Notes)
{
    public static PrintedDocument Of(Invoice invoice) => new(
        invoice.Number is null ? "Draft invoice" : $"Invoice {invoice.Number}",
        WireNames<InvoiceStatus>.Of(invoice.Status),
        invoice.BillTo,
        [("Issued", invoice.IssuedOn), ("Due", invoice.DueDate)],
        invoice.Currency,
        invoice.Lines,
        invoice.NetTotal,
        invoice.Total,
        invoice.PaidAmount != 0 || invoice.CreditedAmount != 0
            ? [("Paid", invoice.PaidAmount), ("Credited", invoice.CreditedAmount), ("Due", invoice.Outstanding)]
            : [],
        [.. new[] { invoice.Memo, invoice.VoidReason is { } reason ? $"Void: {reason}" : null }.OfType<string>()]);

    /// <param name="billTo">The addressee of the credited invoice, as printed on it.</param>
    public static PrintedDocument Of(CreditNote note, BillTo? billTo) => new(
        $"Credit note {note.Number}",
        "issued",
        billTo,
        [("Issued", note.IssuedOn)],
        note.Currency,
        note.Lines,
        note.NetTotal,
        note.Total,
        [.. note.Allocations.Select(a => ($"Applied to invoice {a.InvoiceNumber}", a.Amount)), .. note.Unapplied != 0 ? new[] { ("Account credit", note.Unapplied) } : []],
        [$"Credits invoice {note.InvoiceNumber}.", $"Reason: {note.Reason}"]);

    public string Render()
    {
        string Amount(decimal amount) => WebUtility.HtmlEncode($"{Money.Of(amount, Currency).Amount} {Currency}");
        static string Text(string? value) => WebUtility.HtmlEncode(value ?? "");
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{Text(Title)}}</title>
            <style>
            body{font-family:sans-serif;margin:2cm;color:#222} table{border-collapse:collapse;width:100%}
            th,td{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left} td.n,th.n{text-align:right}
            .status{text-transform:uppercase;font-weight:bold} @media print{ body{margin:0} }
            </style></head><body>
            <h1>{{Text(Title)}}</h1>
            <p class="status">{{Text(Status)}}</p>
            """);
        if (BillTo is { } billTo)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section><h2>Bill to</h2><p>{Text(billTo.Name)}");
            if (billTo.Address is { } address)
            {
                foreach (var part in new[] { address.Street, $"{address.PostalCode} {address.City}".Trim(), address.Region, address.Country })
                {
                    if (!string.IsNullOrWhiteSpace(part))
                    {
                        html.Append(CultureInfo.InvariantCulture, $"<br>{Text(part)}");
                    }
                }
            }

            if (billTo.TaxId is not null)
            {
                html.Append(CultureInfo.InvariantCulture, $"<br>Tax id: {Text(billTo.TaxId)}");
            }

            html.Append("</p></section>");
        }

        html.Append("<p>");
        foreach (var (label, date) in Dates)
        {
            html.Append(CultureInfo.InvariantCulture, $"{Text(label)}: {date:yyyy-MM-dd} &middot; ");
        }

        html.Append(CultureInfo.InvariantCulture, $"Currency: {Text(Currency)}</p>");
        html.Append("<table><thead><tr><th>Description</th><th class=\"n\">Quantity</th><th class=\"n\">Unit price</th><th class=\"n\">Discount</th><th class=\"n\">Tax</th><th class=\"n\">Net</th></tr></thead><tbody>");
        foreach (var line in Lines)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Text(line.Description)}</td><td class=\"n\">{PricingFields.QuantityText(line.Quantity)}</td><td class=\"n\">{Amount(line.UnitPrice)}</td><td class=\"n\">{Amount(line.Discount)}</td><td class=\"n\">{Percent(line.TaxRate)}</td><td class=\"n\">{Amount(line.NetAmount)}</td></tr>");
        }

        html.Append("</tbody></table><table><tbody>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><th>Net total</th><td class=\"n\">{Amount(NetTotal)}</td></tr>");
        foreach (var tax in DocumentTotals.Of(Lines).ByTaxRate)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>{Text(tax.Name ?? "Tax")} {Percent(tax.Rate)} on {Amount(tax.NetAmount)}</th><td class=\"n\">{Amount(tax.TaxAmount)}</td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<tr><th>Total</th><td class=\"n\"><strong>{Amount(Total)}</strong></td></tr>");
        foreach (var (label, amount) in Settlement)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>{Text(label)}</th><td class=\"n\">{Amount(amount)}</td></tr>");
        }

        html.Append("</tbody></table>");
        foreach (var note in Notes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{Text(note)}</p>");
        }

        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>Whether the caller's Accept prefers HTML to JSON (a tie goes to JSON).</summary>
    public static bool PrefersHtml(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        double Quality(string mediaType) => accept
            .Where(a => a.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Quality ?? 1)
            .DefaultIfEmpty(0)
            .Max();
        var html = Quality("text/html");
        return html > 0 && html > Quality("application/json");
    }

    private static string Percent(decimal rate) => (rate * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
