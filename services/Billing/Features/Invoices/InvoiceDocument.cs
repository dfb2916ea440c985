using System.Globalization;
using System.Net;
using System.Text;
using CrmCloud.Platform.Api;

namespace CrmCloud.Billing.Features.Invoices;

/// <summary>An invoice as a printable HTML page: what <c>GET /api/v1/invoices/{id}</c> answers to <c>Accept: text/html</c>.</summary>
public static class InvoiceDocument
{
    public static string Render(Invoice invoice)
    {
        var currency = invoice.Currency;
        string Amount(decimal amount) => WebUtility.HtmlEncode($"{Money.Of(amount, currency).Amount} {currency}");
        static string Text(string? value) => WebUtility.HtmlEncode(value ?? "");
        var title = invoice.Number is null ? "Draft invoice" : $"Invoice {invoice.Number}";
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{Text(title)}}</title>
            <style>
            body{font-family:sans-serif;margin:2cm;color:#222} table{border-collapse:collapse;width:100%}
            th,td{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left} td.n,th.n{text-align:right}
            .status{text-transform:uppercase;font-weight:bold} @media print{ body{margin:0} }
            </style></head><body>
            <h1>{{Text(title)}}</h1>
            <p class="status">{{Text(Platform.Data.WireNames<InvoiceStatus>.Of(invoice.Status))}}</p>
            """);
        if (invoice.BillTo is { } billTo)
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

        html.Append(CultureInfo.InvariantCulture, $"<p>Issued: {invoice.IssuedOn:yyyy-MM-dd} &middot; Due: {invoice.DueDate:yyyy-MM-dd} &middot; Currency: {Text(currency)}</p>");
        html.Append("<table><thead><tr><th>Description</th><th class=\"n\">Quantity</th><th class=\"n\">Unit price</th><th class=\"n\">Discount</th><th class=\"n\">Tax</th><th class=\"n\">Net</th></tr></thead><tbody>");
        foreach (var line in invoice.Lines)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Text(line.Description)}</td><td class=\"n\">{PricingFields.QuantityText(line.Quantity)}</td><td class=\"n\">{Amount(line.UnitPrice)}</td><td class=\"n\">{Amount(line.Discount)}</td><td class=\"n\">{Percent(line.TaxRate)}</td><td class=\"n\">{Amount(line.NetAmount)}</td></tr>");
        }

        html.Append("</tbody></table><table><tbody>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><th>Net total</th><td class=\"n\">{Amount(invoice.NetTotal)}</td></tr>");
        foreach (var tax in DocumentTotals.Of(invoice.Lines).ByTaxRate)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>{Text(tax.Name ?? "Tax")} {Percent(tax.Rate)} on {Amount(tax.NetAmount)}</th><td class=\"n\">{Amount(tax.TaxAmount)}</td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<tr><th>Total</th><td class=\"n\"><strong>{Amount(invoice.Total)}</strong></td></tr>");
        if (invoice.PaidAmount != 0 || invoice.CreditedAmount != 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>Paid</th><td class=\"n\">{Amount(invoice.PaidAmount)}</td></tr><tr><th>Credited</th><td class=\"n\">{Amount(invoice.CreditedAmount)}</td></tr><tr><th>Due</th><td class=\"n\">{Amount(invoice.Outstanding)}</td></tr>");
        }

        html.Append("</tbody></table>");
        if (invoice.Memo is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{Text(invoice.Memo)}</p>");
        }

        if (invoice.VoidReason is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Void: {Text(invoice.VoidReason)}</p>");
        }

        html.Append("</body></html>");
        return html.ToString();
    }

    private static string Percent(decimal rate) => (rate * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
