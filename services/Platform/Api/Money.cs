using System.Globalization;

namespace CrmCloud.Platform.Api;

/// <summary>
/// An amount of money as the API shows it (api.md): <c>{ "amount": "12.50", "currency": "EUR" }</c>, the amount a
/// decimal string (never a float) with at least two decimals and no trailing zeros beyond them, the currency an
/// ISO 4217 code.
/// </summary>
public sealed record Money(string Amount, string Currency)
{
    private const string AmountFormat = "0.00############################";

    public static Money Of(decimal amount, string currency) =>
        new(amount.ToString(AmountFormat, CultureInfo.InvariantCulture), currency);

    /// <summary>Three ASCII letters, as ISO 4217 codes are; returned upper-case, or null when it is not one.</summary>
    public static string? CurrencyCode(string? value)
    {
        var code = value?.Trim();
        return code is { Length: 3 } && code.All(char.IsAsciiLetter) ? code.ToUpperInvariant() : null;
    }
}
