using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Sales.Features.Products;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.PriceLists;

/// <summary>
/// A price list to create. <c>validFrom</c>/<c>validTo</c> are dates (<c>YYYY-MM-DD</c>, both included, validTo
/// optional); each tier's <c>unitPrice</c> is a decimal string in the list's currency; each tax rate is a fraction.
/// </summary>
public sealed record CreatePriceListRequest(
    Guid? Id,
    string? Name,
    string? Currency,
    DateOnly? ValidFrom,
    DateOnly? ValidTo,
    ProductPriceRequest?[]? Prices,
    TaxRateRequest?[]? TaxRates);

public sealed record ProductPriceRequest(Guid? ProductId, PriceTierRequest?[]? Tiers);

public sealed record PriceTierRequest(decimal? MinQuantity, string? UnitPrice);

public sealed record TaxRateRequest(string? TaxCategory, decimal? Rate);

public sealed record PriceListResponse(
    Guid Id,
    string Name,
    string Currency,
    DateOnly ValidFrom,
    DateOnly? ValidTo,
    IReadOnlyList<ProductPriceResponse> Prices,
    IReadOnlyList<CategoryTaxRate> TaxRates,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static PriceListResponse From(PriceList list) => new(
        list.Id,
        list.Details.Name,
        list.Details.Currency,
        list.Details.ValidFrom,
        list.Details.ValidTo,
        [.. list.Details.Prices.Select(price => new ProductPriceResponse(
            price.ProductId,
            [.. price.Tiers.Select(tier => new PriceTierResponse(PricingFields.Trimmed(tier.MinQuantity), PricingFields.Text(tier.UnitPrice)))]))],
        list.Details.TaxRates,
        list.CreatedAt,
        list.UpdatedAt,
        list.Version);
}

public sealed record ProductPriceResponse(Guid ProductId, IReadOnlyList<PriceTierResponse> Tiers);

public sealed record PriceTierResponse(decimal MinQuantity, string UnitPrice);

/// <summary>The rules a price list follows, on create and on every patch; products are checked by <see cref="RequireProductsAsync"/>.</summary>
public static class PriceListRequests
{
    public const int NameLength = 200;
    public const int MaxPrices = 1000;
    public const int MaxTiers = 20;
    public const int MaxTaxRates = 50;

    private static readonly HashSet<string> Patchable = ["name", "currency", "validFrom", "validTo", "prices", "taxRates"];

    public static PriceListDetails? Validate(this CreatePriceListRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        return Normalise(request, errors);
    }

    /// <summary>Prices and taxRates are replaced whole; the other fields one by one.</summary>
    public static PriceListDetails? ApplyPatch(this PriceListDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        var patched = new CreatePriceListRequest(
            null,
            patch.Text("name", current.Name, errors),
            patch.Text("currency", current.Currency, errors),
            patch.Value<DateOnly?>("validFrom", current.ValidFrom, json, errors),
            patch.Value("validTo", current.ValidTo, json, errors),
            patch.Has("prices") ? patch.Value<ProductPriceRequest?[]>("prices", null, json, errors) : AsRequests(current.Prices),
            patch.Has("taxRates") ? patch.Value<TaxRateRequest?[]>("taxRates", null, json, errors) : [.. current.TaxRates.Select(rate => new TaxRateRequest(rate.TaxCategory, rate.Rate))]);
        return errors.IsEmpty ? Normalise(patched, errors) : null;
    }

    /// <summary>Adds an error for each price whose product is not one of the tenant's.</summary>
    public static async Task RequireProductsAsync(SalesDb db, PriceListDetails details, FieldErrors errors, CancellationToken cancellationToken)
    {
        var named = details.Prices.Select(price => price.ProductId).ToList();
        var known = (await db.Products.Where(p => named.Contains(p.Id)).Select(p => p.Id).ToListAsync(cancellationToken)).ToHashSet();
        for (var index = 0; index < named.Count; index++)
        {
            if (!known.Contains(named[index]))
            {
                errors.Add($"prices[{index}].productId", $"No product with id {named[index]}.");
            }
        }
    }

    private static ProductPriceRequest?[] AsRequests(ProductPrice[] prices) =>
        [.. prices.Select(price => new ProductPriceRequest(
            price.ProductId,
            [.. price.Tiers.Select(tier => new PriceTierRequest(tier.MinQuantity, PricingFields.Text(tier.UnitPrice)))]))];

    private static PriceListDetails? Normalise(CreatePriceListRequest request, FieldErrors errors)
    {
        var name = errors.Required("name", request.Name, NameLength);
        var currency = Currencies.Validate("currency", request.Currency, errors);
        if (request.ValidFrom is null)
        {
            errors.Add("validFrom", "This field is required.");
        }
        else if (request.ValidTo < request.ValidFrom)
        {
            errors.Add("validTo", "Not before validFrom.");
        }

        var prices = Prices(request.Prices, errors);
        var taxRates = TaxRates(request.TaxRates, errors);
        return errors.IsEmpty
            ? new PriceListDetails(name!, currency!, request.ValidFrom!.Value, request.ValidTo, prices, taxRates)
            : null;
    }

    private static ProductPrice[] Prices(ProductPriceRequest?[]? requests, FieldErrors errors)
    {
        requests ??= [];
        if (requests.Length > MaxPrices)
        {
            errors.Add("prices", $"At most {MaxPrices} products.");
            return [];
        }

        var prices = new List<ProductPrice>();
        var seen = new Dictionary<Guid, int>();
        for (var index = 0; index < requests.Length; index++)
        {
            var field = $"prices[{index}]";
            if (requests[index] is not { } request)
            {
                errors.Add(field, "Expected a product's prices.");
                continue;
            }

            if (request.ProductId is not { } productId || productId == Guid.Empty)
            {
                errors.Add($"{field}.productId", "This field is required.");
            }
            else if (!seen.TryAdd(productId, index))
            {
                errors.Add($"{field}.productId", $"The product is priced already at prices[{seen[productId]}]; give it one entry with several tiers.");
            }

            prices.Add(new ProductPrice(request.ProductId ?? Guid.Empty, Tiers(field, request.Tiers, errors)));
        }

        return [.. prices];
    }

    private static PriceTier[] Tiers(string field, PriceTierRequest?[]? requests, FieldErrors errors)
    {
        if (requests is not { Length: > 0 })
        {
            errors.Add($"{field}.tiers", "At least one tier.");
            return [];
        }

        if (requests.Length > MaxTiers)
        {
            errors.Add($"{field}.tiers", $"At most {MaxTiers} tiers.");
            return [];
        }

        var tiers = new List<PriceTier>();
        for (var index = 0; index < requests.Length; index++)
        {
            var tierField = $"{field}.tiers[{index}]";
            if (requests[index] is not { } request)
            {
                errors.Add(tierField, "Expected a tier with minQuantity and unitPrice.");
                continue;
            }

            var minQuantity = errors.Quantity($"{tierField}.minQuantity", request.MinQuantity);
            var unitPrice = errors.Amount($"{tierField}.unitPrice", request.UnitPrice, PricingFields.UnitPriceDecimals);
            if (minQuantity is { } min && tiers.Count > 0 && min <= tiers[^1].MinQuantity)
            {
                errors.Add($"{tierField}.minQuantity", "Tiers go in ascending order of minQuantity, each minQuantity once.");
            }

            if (minQuantity is { } quantity && unitPrice is { } price)
            {
                tiers.Add(new PriceTier(quantity, price));
            }
        }

        return [.. tiers];
    }

    private static CategoryTaxRate[] TaxRates(TaxRateRequest?[]? requests, FieldErrors errors)
    {
        requests ??= [];
        if (requests.Length > MaxTaxRates)
        {
            errors.Add("taxRates", $"At most {MaxTaxRates} tax rates.");
            return [];
        }

        var rates = new List<CategoryTaxRate>();
        for (var index = 0; index < requests.Length; index++)
        {
            var field = $"taxRates[{index}]";
            if (requests[index] is not { } request)
            {
                errors.Add(field, "Expected a tax category and its rate.");
                continue;
            }

            var category = errors.Required($"{field}.taxCategory", request.TaxCategory, ProductRequests.TaxCategoryLength)?.ToLowerInvariant();
            if (category is not null && !ProductRequests.IsCode(category))
            {
                errors.Add($"{field}.taxCategory", "A lower-case code of letters, digits and hyphens, such as standard or reduced.");
            }
            else if (category is not null && rates.Any(rate => rate.TaxCategory == category))
            {
                errors.Add($"{field}.taxCategory", "Each tax category once.");
            }

            if (errors.TaxRate($"{field}.rate", request.Rate) is { } taxRate && category is not null)
            {
                rates.Add(new CategoryTaxRate(category, taxRate));
            }
        }

        return [.. rates];
    }
}
