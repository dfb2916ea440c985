using CrmCloud.Platform.Api;
using CrmCloud.Sales.Features.PriceLists;
using CrmCloud.Sales.Features.Products;

namespace CrmCloud.Sales.Features.Orders;

/// <summary>An order's lines and totals in one currency, as <see cref="OrderPricing"/> worked them out.</summary>
public sealed record PricedOrder(
    string Currency,
    IReadOnlyList<PricedLine> Lines,
    IReadOnlyList<TaxLine> Taxes,
    decimal NetTotal,
    decimal DiscountTotal,
    decimal TaxTotal,
    decimal Total);

/// <summary>
/// Prices an order from one price list, in its currency only. Each line: the unit price of the tier its quantity
/// reaches; gross = quantity × unit price rounded half-even to the currency's minor unit; net = gross − discount.
/// Tax is worked out per rate, on the sum of the nets charged that rate, and rounded once per rate, so that the tax
/// shown per rate is exactly what the totals add up. Total = net total + tax total.
/// </summary>
public static class OrderPricing
{
    /// <returns>The priced order, or null with the errors naming each line that cannot be priced.</returns>
    public static PricedOrder? Price(
        IReadOnlyList<LineToPlace> lines, PriceList priceList, IReadOnlyDictionary<Guid, Product> products, FieldErrors errors)
    {
        var currency = priceList.Details.Currency;
        var priced = new List<PricedLine>();
        for (var index = 0; index < lines.Count; index++)
        {
            var line = lines[index];
            var field = $"lines[{index}]";
            if (!products.TryGetValue(line.ProductId, out var product))
            {
                errors.Add($"{field}.productId", $"No product with id {line.ProductId}.");
                continue;
            }

            if (!product.Details.Active)
            {
                errors.Add($"{field}.productId", $"The product {product.Details.Sku} is not active.");
                continue;
            }

            // A negotiated unit price (a quote's, an opportunity's line item) stands in for the list's tiers.
            var tier = priceList.TierFor(product.Id, line.Quantity);
            if (line.UnitPrice is null && !priceList.Details.Prices.Any(price => price.ProductId == product.Id))
            {
                errors.Add($"{field}.productId", $"The price list {priceList.Details.Name} has no price for {product.Details.Sku}.");
                continue;
            }

            if (line.UnitPrice is null && tier is null)
            {
                var smallest = priceList.Details.Prices.First(price => price.ProductId == product.Id).Tiers[0].MinQuantity;
                errors.Add($"{field}.quantity", $"The price list prices {product.Details.Sku} from a quantity of {PricingFields.QuantityText(smallest)}.");
                continue;
            }

            var unitPrice = line.UnitPrice ?? tier!.UnitPrice;
            if (priceList.TaxRateFor(product.Details.TaxCategory) is not { } rate)
            {
                errors.Add($"{field}.productId", $"The price list {priceList.Details.Name} has no tax rate for the tax category {product.Details.TaxCategory} of {product.Details.Sku}.");
                continue;
            }

            var gross = Currencies.Round(line.Quantity * unitPrice, currency);
            if (line.Discount > gross)
            {
                errors.Add($"{field}.discount", $"At most the line's amount before discount, {Money.Of(gross, currency).Amount} {currency}.");
                continue;
            }

            priced.Add(new PricedLine(
                product.Id,
                product.Details.Sku,
                product.Details.Name,
                product.Details.Unit,
                line.Quantity,
                unitPrice,
                gross,
                line.Discount,
                product.Details.TaxCategory,
                rate,
                gross - line.Discount));
        }

        return errors.IsEmpty ? Totals(currency, priced) : null;
    }

    /// <summary>The taxes per rate and the totals of <paramref name="lines"/>, as the class describes them.</summary>
    public static PricedOrder Totals(string currency, IReadOnlyList<PricedLine> lines)
    {
        TaxLine[] taxes =
        [
            .. lines.GroupBy(line => line.TaxRate)
                .OrderBy(group => group.Key)
                .Select(group =>
                {
                    var net = group.Sum(line => line.NetAmount);
                    return new TaxLine(group.Key, net, Currencies.Round(net * group.Key, currency));
                }),
        ];
        var netTotal = lines.Sum(line => line.NetAmount);
        var taxTotal = taxes.Sum(tax => tax.TaxAmount);
        return new PricedOrder(currency, lines, taxes, netTotal, lines.Sum(line => line.Discount), taxTotal, netTotal + taxTotal);
    }
}
