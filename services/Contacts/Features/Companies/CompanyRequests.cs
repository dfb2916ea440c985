using System.Text.Json;
using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.Companies;

/// <summary>A company to create. <c>id</c> may be supplied by the caller for idempotent imports.</summary>
public sealed record CreateCompanyRequest(
    Guid? Id,
    string? Name,
    string? Domain,
    string? Industry,
    CompanySize? Size,
    string? Phone,
    PostalAddress? Address,
    Guid? ParentCompanyId,
    Relationship? Relationship,
    string? OwnerId,
    string?[]? Tags,
    IReadOnlyDictionary<string, JsonElement>? CustomFields = null);

public sealed record CompanyResponse(
    Guid Id,
    string Name,
    string? Domain,
    string? Industry,
    CompanySize? Size,
    string? Phone,
    PostalAddress? Address,
    Guid? ParentCompanyId,
    Relationship? Relationship,
    string? OwnerId,
    IReadOnlyList<string> Tags,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    IReadOnlyDictionary<string, JsonElement> CustomFields)
{
    public static CompanyResponse From(Company company) => new(
        company.Id,
        company.Details.Name,
        company.Details.Domain,
        company.Details.Industry,
        company.Details.Size,
        company.Details.Phone,
        company.Details.Address,
        company.Details.ParentCompanyId,
        company.Details.Relationship,
        company.Details.OwnerId,
        company.Details.Tags,
        company.CreatedAt,
        company.UpdatedAt,
        company.Version,
        company.Details.CustomFields);
}

/// <summary>
/// The rules a company's details follow, on create and on every patch. Whether <c>parentCompanyId</c>
/// names a company of the tenant is checked against the database by <see cref="CompanyLinks"/>.
/// </summary>
public static class CompanyRequests
{
    public const int NameLength = 200;
    public const int DomainLength = 253;
    public const int IndustryLength = 100;
    public const int OwnerIdLength = 64;

    private static readonly HashSet<string> Patchable =
        ["name", "domain", "industry", "size", "phone", "address", "parentCompanyId", "relationship", "ownerId", "tags", CustomFieldSchema.Property];

    public static CompanyDetails? Validate(this CreateCompanyRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        return Normalise(request, errors);
    }

    /// <param name="json">The API's JSON options, so enumerations and ids read as they do in a create.</param>
    public static CompanyDetails? ApplyPatch(this CompanyDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        var patched = new CreateCompanyRequest(
            null,
            patch.Text("name", current.Name, errors),
            patch.Text("domain", current.Domain, errors),
            patch.Text("industry", current.Industry, errors),
            patch.Value("size", current.Size, json, errors),
            patch.Text("phone", current.Phone, errors),
            patch.Nested("address", current.Address, PostalAddress.Patchable, (address, was) => PostalAddress.ApplyPatch(address, was, errors), errors),
            patch.Value("parentCompanyId", current.ParentCompanyId, json, errors),
            patch.Value("relationship", current.Relationship, json, errors),
            patch.Text("ownerId", current.OwnerId, errors),
            patch.Value<string?[]>("tags", current.Tags, json, errors));
        return Normalise(patched, errors);
    }

    /// <summary>The details the request describes (its id aside), or null with the errors.</summary>
    private static CompanyDetails? Normalise(CreateCompanyRequest request, FieldErrors errors)
    {
        var details = new CompanyDetails(
            errors.Required("name", request.Name, NameLength) ?? "",
            errors.HostName("domain", request.Domain),
            errors.Optional("industry", request.Industry, IndustryLength),
            request.Size,
            errors.Phone("phone", request.Phone),
            PostalAddress.Validate(request.Address, "address", errors),
            request.ParentCompanyId,
            request.Relationship,
            errors.Optional("ownerId", request.OwnerId, OwnerIdLength),
            errors.Tags("tags", request.Tags));
        return errors.IsEmpty ? details : null;
    }
}
