using System.Text.Json;
using CrmCloud.Platform.Api;

namespace CrmCloud.Sales.Features.LeadForms;

/// <summary>
/// A lead form to create. <c>allowedFields</c> defaults to every capturable field; <c>rateLimitPerMinute</c> to
/// <see cref="LeadFormRequests.DefaultRateLimit"/>; <c>active</c> to true.
/// </summary>
public sealed record CreateLeadFormRequest(
    Guid? Id,
    string? Name,
    string? DefaultOwnerId,
    Guid? CampaignId,
    string?[]? AllowedFields,
    int? RateLimitPerMinute,
    bool? Active,
    string? RedirectUrl = null);

/// <summary>
/// A lead form. <c>key</c> and <c>capturePath</c> are present only in the answer that issued the key (creation or
/// rotation): only its hash is stored, and <c>keyHint</c> (its last characters) tells keys apart afterwards.
/// </summary>
public sealed record LeadFormResponse(
    Guid Id,
    string Name,
    string? DefaultOwnerId,
    Guid? CampaignId,
    IReadOnlyList<string> AllowedFields,
    int RateLimitPerMinute,
    bool Active,
    string? RedirectUrl,
    string KeyHint,
    DateTimeOffset KeyIssuedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    string? Key = null,
    string? CapturePath = null)
{
    public static LeadFormResponse From(LeadForm form, string? key = null)
    {
        var d = form.Details;
        return new(
            form.Id, d.Name, d.DefaultOwnerId, d.CampaignId, d.AllowedFields, d.RateLimitPerMinute, d.Active, d.RedirectUrl, form.KeyHint, form.KeyIssuedAt,
            form.CreatedAt, form.UpdatedAt, form.Version, key, key is null ? null : $"/api/v1/lead-capture/{key}");
    }
}

public static class LeadFormRequests
{
    public const int NameLength = 200;
    public const int OwnerLength = 64;
    public const int DefaultRateLimit = 60;
    public const int MaxRateLimit = 10_000;
    public const int UrlLength = 2000;

    /// <summary>The lead fields a form may capture; email is always captured, it is what duplicates are told by.</summary>
    public static readonly IReadOnlyList<string> Capturable = ["email", "firstName", "lastName", "phone", "companyName", "jobTitle", "message"];

    private static readonly HashSet<string> Patchable = ["name", "defaultOwnerId", "campaignId", "allowedFields", "rateLimitPerMinute", "active", "redirectUrl"];

    public static LeadFormDetails? Validate(this CreateLeadFormRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        if (request.CampaignId == Guid.Empty)
        {
            errors.Add("campaignId", "The id must not be the empty UUID.");
        }

        var fields = new List<string> { "email" };
        var index = 0;
        foreach (var field in request.AllowedFields ?? [.. Capturable])
        {
            if (field is null || !Capturable.Contains(field))
            {
                errors.Add($"allowedFields[{index}]", $"One of: {string.Join(", ", Capturable)}.");
            }
            else if (!fields.Contains(field))
            {
                fields.Add(field);
            }

            index++;
        }

        if (request.RateLimitPerMinute is < 1 or > MaxRateLimit)
        {
            errors.Add("rateLimitPerMinute", $"Between 1 and {MaxRateLimit}.");
        }

        var redirect = errors.Optional("redirectUrl", request.RedirectUrl, UrlLength);
        if (redirect is not null && !(Uri.TryCreate(redirect, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
        {
            errors.Add("redirectUrl", "An absolute http or https URL, such as https://example.com/thanks.");
        }

        var details = new LeadFormDetails(
            errors.Required("name", request.Name, NameLength) ?? "",
            errors.Optional("defaultOwnerId", request.DefaultOwnerId, OwnerLength),
            request.CampaignId,
            [.. Capturable.Where(fields.Contains)],
            request.RateLimitPerMinute ?? DefaultRateLimit,
            request.Active ?? true,
            redirect);
        return errors.IsEmpty ? details : null;
    }

    public static CreateLeadFormRequest? ApplyPatch(this LeadFormDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        if (MergePatch.Read(body, Patchable, errors) is not { } patch)
        {
            return null;
        }

        var patched = new CreateLeadFormRequest(
            null,
            patch.Text("name", current.Name, errors),
            patch.Text("defaultOwnerId", current.DefaultOwnerId, errors),
            patch.Value("campaignId", current.CampaignId, json, errors),
            patch.Value<string?[]>("allowedFields", current.AllowedFields, json, errors) ?? [],
            patch.Value<int?>("rateLimitPerMinute", current.RateLimitPerMinute, json, errors),
            patch.Value<bool?>("active", current.Active, json, errors),
            patch.Text("redirectUrl", current.RedirectUrl, errors));
        foreach (var required in (string[])["rateLimitPerMinute", "active"])
        {
            if (patch.Has(required) && body.GetProperty(required).ValueKind == JsonValueKind.Null)
            {
                errors.Add(required, "This field cannot be cleared.");
            }
        }

        return errors.IsEmpty ? patched : null;
    }
}
