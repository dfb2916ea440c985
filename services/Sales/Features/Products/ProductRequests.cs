using System.Text.Json;
using CrmCloud.Platform.Api;

namespace CrmCloud.Sales.Features.Products;

/// <summary>A product to create. <c>id</c> may be supplied by the caller for idempotent imports.</summary>
public sealed record CreateProductRequest(Guid? Id, string? Sku, string? Name, string? Unit, string? TaxCategory, bool? Active);

public sealed record ProductResponse(
    Guid Id,
    string Sku,
    string Name,
    string Unit,
    string TaxCategory,
    bool Active,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static ProductResponse From(Product product) => new(
        product.Id,
        product.Details.Sku,
        product.Details.Name,
        product.Details.Unit,
        product.Details.TaxCategory,
        product.Details.Active,
        product.CreatedAt,
        product.UpdatedAt,
        product.Version);
}

/// <summary>The rules a product's details follow, on create and on every patch.</summary>
public static class ProductRequests
{
    public const int SkuLength = 64;
    public const int NameLength = 200;
    public const int UnitLength = 20;
    public const int TaxCategoryLength = 32;
    public const string DefaultUnit = "piece";
    public const string DefaultTaxCategory = "standard";

    private static readonly HashSet<string> Patchable = ["sku", "name", "unit", "taxCategory", "active"];

    public static ProductDetails? Validate(this CreateProductRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        return Normalise(request with { Unit = request.Unit ?? DefaultUnit, TaxCategory = request.TaxCategory ?? DefaultTaxCategory }, errors);
    }

    public static ProductDetails? ApplyPatch(this ProductDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        var patched = new CreateProductRequest(
            null,
            patch.Text("sku", current.Sku, errors),
            patch.Text("name", current.Name, errors),
            patch.Text("unit", current.Unit, errors),
            patch.Text("taxCategory", current.TaxCategory, errors),
            patch.Value<bool?>("active", current.Active, json, errors));
        if (patch.Has("active") && patched.Active is null)
        {
            errors.Add("active", "Expected true or false.");
        }

        return Normalise(patched, errors);
    }

    private static ProductDetails? Normalise(CreateProductRequest request, FieldErrors errors)
    {
        var sku = errors.Required("sku", request.Sku, SkuLength);
        if (sku is not null && sku.Any(char.IsWhiteSpace))
        {
            errors.Add("sku", "A sku holds no spaces.");
        }

        var taxCategory = errors.Required("taxCategory", request.TaxCategory, TaxCategoryLength)?.ToLowerInvariant();
        if (taxCategory is not null && !IsCode(taxCategory))
        {
            errors.Add("taxCategory", "A lower-case code of letters, digits and hyphens, such as standard or reduced.");
        }

        var details = new ProductDetails(
            sku ?? "",
            errors.Required("name", request.Name, NameLength) ?? "",
            errors.Required("unit", request.Unit, UnitLength) ?? "",
            taxCategory ?? "",
            request.Active ?? true);
        return errors.IsEmpty ? details : null;
    }

    /// <summary>A tax category code, also as price lists name it.</summary>
    public static bool IsCode(string code) =>
        code.Length > 0 && code[0] != '-' && code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
