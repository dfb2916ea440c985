using CrmCloud.Platform.Api;
using Xunit;

namespace CrmCloud.Platform.Tests;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("12.5", "12.50")]
    [InlineData("12.5000", "12.50")]
    [InlineData("0", "0.00")]
    [InlineData("1234567.891", "1234567.891")]
    [InlineData("-3.1", "-3.10")]
    public void Amounts_are_decimal_strings_with_at_least_two_decimals(string amount, string shown)
    {
        var money = Money.Of(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), "EUR");

        Assert.Equal(shown, money.Amount);
        Assert.Equal("EUR", money.Currency);
    }

    [Theory]
    [InlineData("EUR", "EUR")]
    [InlineData(" usd ", "USD")]
    [InlineData("EURO", null)]
    [InlineData("€", null)]
    [InlineData("E1R", null)]
    [InlineData(null, null)]
    public void Currency_codes_are_three_letters_upper_cased(string? code, string? expected) =>
        Assert.Equal(expected, Money.CurrencyCode(code));
}
