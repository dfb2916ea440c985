using System.Text.Json;
using CrmCloud.Platform.Api;

namespace CrmCloud.Billing.Features.TaxRates;

/// <summary>A tax rate to create; <c>rate</c> is a fraction (<c>0.19</c>). <c>id</c> may be supplied for idempotent imports.</summary>
public sealed record CreateTaxRateRequest(Guid? Id, string? Name, decimal? Rate, string? Country, bool? Active);

public sealed record TaxRateResponse(Guid Id, string Name, decimal Rate, string? Country, bool Active, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static TaxRateResponse From(TaxRate rate) => new(
        rate.Id, rate.Details.Name, PricingFields.Trimmed(rate.Details.Rate), rate.Details.Country, rate.Details.Active, rate.CreatedAt, rate.UpdatedAt, rate.Version);
}

public static class TaxRateRequests
{
    public const int NameLength = 100;

    private static readonly HashSet<string> Patchable = ["name", "rate", "country", "active"];

    public static TaxRateDetails? Validate(this CreateTaxRateRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        return Normalise(request, errors);
    }

    public static TaxRateDetails? ApplyPatch(this TaxRateDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        var patched = new CreateTaxRateRequest(
            null,
            patch.Text("name", current.Name, errors),
            patch.Value<decimal?>("rate", current.Rate, json, errors),
            patch.Text("country", current.Country, errors),
            patch.Value<bool?>("active", current.Active, json, errors));
        if (patch.Has("active") && patched.Active is null)
        {
            errors.Add("active", "Expected true or false.");
        }

        return Normalise(patched, errors);
    }

    private static TaxRateDetails? Normalise(CreateTaxRateRequest request, FieldErrors errors)
    {
        var details = new TaxRateDetails(
            errors.Required("name", request.Name, NameLength) ?? "",
            errors.TaxRate("rate", request.Rate) ?? 0,
            errors.CountryCode("country", request.Country),
            request.Active ?? true);
        return errors.IsEmpty ? details : null;
    }
}
