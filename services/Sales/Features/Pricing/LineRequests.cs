using CrmCloud.Platform.Api;
using CrmCloud.Sales.Features.Orders;

namespace CrmCloud.Sales.Features.Pricing;

/// <summary>
/// A line as a caller writes it on a quote or an opportunity: <c>unitPrice</c> (optional) is a negotiated price that
/// stands in for the price list's, <c>discount</c> (optional) an amount taken off the line; both decimal strings in
/// the document's currency.
/// </summary>
public sealed record LineRequest(Guid? ProductId, decimal? Quantity, string? UnitPrice, string? Discount);

/// <summary>The shape of a document's lines, checked before any product or price is looked up.</summary>
public static class LineRequests
{
    public const int MaxLines = 200;

    /// <summary>
    /// The lines of <paramref name="requests"/> (one per product, at most <see cref="MaxLines"/>, at least one unless
    /// <paramref name="allowNone"/>), with each error named <c>{field}[i].{member}</c>.
    /// </summary>
    public static List<LineToPlace> Lines(this FieldErrors errors, string field, IReadOnlyList<LineRequest?> requests, string? currency, bool allowNone = false)
    {
        var lines = new List<LineToPlace>();
        if ((requests.Count == 0 && !allowNone) || requests.Count > MaxLines)
        {
            errors.Add(field, $"From {(allowNone ? 0 : 1)} to {MaxLines} lines.");
        }

        var seen = new Dictionary<Guid, int>();
        for (var index = 0; index < requests.Count && index < MaxLines; index++)
        {
            var name = $"{field}[{index}]";
            if (requests[index] is not { } line)
            {
                errors.Add(name, "Expected a line with productId and quantity.");
                continue;
            }

            if (line.ProductId is not { } productId || productId == Guid.Empty)
            {
                errors.Add($"{name}.productId", "This field is required.");
            }
            else if (!seen.TryAdd(productId, index))
            {
                errors.Add($"{name}.productId", $"The product is on {field}[{seen[productId]}] already: one line per product.");
            }

            var quantity = errors.Quantity($"{name}.quantity", line.Quantity);
            var unitPrice = line.UnitPrice is null ? null : errors.Amount($"{name}.unitPrice", line.UnitPrice, PricingFields.UnitPriceDecimals);
            var discount = line.Discount is null || currency is null
                ? 0m
                : errors.Amount($"{name}.discount", line.Discount, Currencies.MinorUnits(currency));
            if (line.ProductId is { } product && quantity is { } amount && discount is { } off && (line.UnitPrice is null || unitPrice is not null))
            {
                lines.Add(new LineToPlace(product, amount, off, unitPrice));
            }
        }

        return lines;
    }
}
