using System.Text.Json;
using CrmCloud.Platform.Api;

namespace CrmCloud.Billing.Features.BillingAccounts;

/// <summary>
/// An account as the API shows it. <see cref="Balance"/> is what the account owes in its currency: the unpaid part of
/// its issued invoices less the credit it holds (negative when it is in credit).
/// </summary>
public sealed record BillingAccountResponse(
    Guid Id,
    Guid PersonId,
    string BillingName,
    string? Email,
    PostalAddress? BillingAddress,
    string Currency,
    int PaymentTermsDays,
    string? TaxId,
    Money Balance,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static BillingAccountResponse From(BillingAccount account, decimal balance) =>
        new(
            account.Id,
            account.PersonId,
            account.BillingName,
            account.Email,
            account.BillingAddress,
            account.Terms.Currency,
            account.Terms.PaymentTermsDays,
            account.Terms.TaxId,
            Money.Of(balance, account.Terms.Currency),
            account.CreatedAt,
            account.UpdatedAt,
            account.Version);
}

public static class BillingAccountRequests
{
    public const int TaxIdLength = 32;
    public const int MaxPaymentTermsDays = 365;

    private static readonly HashSet<string> Patchable = ["currency", "paymentTermsDays", "taxId"];

    /// <summary>The terms after a merge patch of currency, paymentTermsDays and taxId (the rest comes from contacts).</summary>
    public static BillingTerms? ApplyPatch(this BillingTerms current, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        var currency = patch.Has("currency") ? Currencies.Validate("currency", patch.Text("currency", current.Currency, errors), errors) : current.Currency;
        var days = patch.Value<int?>("paymentTermsDays", current.PaymentTermsDays, json, errors);
        if (days is not (>= 0 and <= MaxPaymentTermsDays))
        {
            errors.Add("paymentTermsDays", $"A whole number of days from 0 to {MaxPaymentTermsDays}.");
        }

        var taxId = errors.Optional("taxId", patch.Text("taxId", current.TaxId, errors), TaxIdLength);
        if (taxId is not null && !taxId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or ' '))
        {
            errors.Add("taxId", "A tax id holds letters, digits, spaces, hyphens and dots only.");
        }

        return errors.IsEmpty ? new BillingTerms(currency!, days!.Value, taxId) : null;
    }
}
