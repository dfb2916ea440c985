namespace CrmCloud.Platform.Api;

/// <summary>
/// The active ISO 4217 currencies, with their minor units: amounts are rounded half-even to the minor
/// unit (two decimals for EUR, none for JPY, three for KWD). Precious metals, drawing rights and test codes
/// (XAU, XDR, XTS, ...) are not currencies anyone is invoiced in and are left out.
/// </summary>
public static class Currencies
{
    private static readonly HashSet<string> NoMinorUnit =
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];

    private static readonly HashSet<string> ThreeDecimals = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    private static readonly HashSet<string> FourDecimals = ["CLF", "UYW"];

    private static readonly HashSet<string> Active = new(
        """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
        CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL
        GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD
        KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO
        NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD
        SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV
        WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries),
        StringComparer.Ordinal);

    /// <summary>The code upper-cased, or null with an error when it is not an active ISO 4217 currency.</summary>
    public static string? Validate(string field, string? value, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "This field is required.");
            return null;
        }

        if (Money.CurrencyCode(value) is { } code && Active.Contains(code))
        {
            return code;
        }

        errors.Add(field, "This is not an ISO 4217 currency code such as EUR or USD.");
        return null;
    }

    /// <summary>How many decimals the currency's minor unit has.</summary>
    public static int MinorUnits(string currency) =>
        NoMinorUnit.Contains(currency) ? 0 : ThreeDecimals.Contains(currency) ? 3 : FourDecimals.Contains(currency) ? 4 : 2;

    /// <summary>Rounds half-even ("banker's rounding") to the currency's minor unit.</summary>
    public static decimal Round(decimal amount, string currency) =>
        Math.Round(amount, MinorUnits(currency), MidpointRounding.ToEven);
}
