using System.Globalization;

namespace CrmCloud.Platform.Api;

/// <summary>The checks for amounts (decimal strings, api.md), quantities and tax rates, naming the field.</summary>
public static class PricingFields
{
    /// <summary>Unit prices may be finer than the minor unit (0.0125 a piece); what is charged is rounded to it.</summary>
    public const int UnitPriceDecimals = 6;

    public const int QuantityDecimals = 3;

    public const int TaxRateDecimals = 4;

    public const decimal MaxAmount = 1_000_000_000_000m;

    public const decimal MaxQuantity = 1_000_000_000m;

    /// <summary>
    /// A non-negative amount written as a decimal string (<c>"12.50"</c>: digits and one point, no sign, no exponent,
    /// no thousands separators) with at most <paramref name="decimals"/> decimals; null with an error otherwise.
    /// </summary>
    public static decimal? Amount(this FieldErrors errors, string field, string? value, int decimals)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "This field is required.");
            return null;
        }

        if (!decimal.TryParse(value.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount > MaxAmount)
        {
            errors.Add(field, $"Expected a decimal string such as \"12.50\", at least 0 and at most {MaxAmount:0}.");
            return null;
        }

        if (decimal.Round(amount, decimals) != amount)
        {
            errors.Add(field, $"At most {decimals} decimals.");
            return null;
        }

        return amount;
    }

    /// <summary>A quantity greater than 0 with at most <see cref="QuantityDecimals"/> decimals.</summary>
    public static decimal? Quantity(this FieldErrors errors, string field, decimal? value, bool allowZero = false)
    {
        if (value is not { } quantity)
        {
            errors.Add(field, "This field is required.");
            return null;
        }

        if ((allowZero ? quantity < 0 : quantity <= 0) || quantity > MaxQuantity)
        {
            errors.Add(field, allowZero ? $"At least 0 and at most {MaxQuantity:0}." : $"Greater than 0 and at most {MaxQuantity:0}.");
            return null;
        }

        if (decimal.Round(quantity, QuantityDecimals) != quantity)
        {
            errors.Add(field, $"At most {QuantityDecimals} decimals.");
            return null;
        }

        return quantity;
    }

    /// <summary>A tax rate as a fraction (<c>0.19</c> for 19 %), from 0 up to but not including 1.</summary>
    public static decimal? TaxRate(this FieldErrors errors, string field, decimal? value)
    {
        if (value is not { } rate)
        {
            errors.Add(field, "This field is required.");
            return null;
        }

        if (rate is < 0 or >= 1 || decimal.Round(rate, TaxRateDecimals) != rate)
        {
            errors.Add(field, $"A fraction from 0 to below 1 (0.19 for 19 %) with at most {TaxRateDecimals} decimals.");
            return null;
        }

        return rate;
    }

    /// <summary>The same number without trailing zeros (10.000 read from a numeric column is written as 10).</summary>
    public static decimal Trimmed(decimal value) => value / 1.000000000000000000000000000000000m;

    public static string QuantityText(decimal quantity) => quantity.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>An amount as the API writes it: at least two decimals, no trailing zeros beyond them.</summary>
    public static string Text(decimal amount) => Money.Of(amount, "").Amount;
}
