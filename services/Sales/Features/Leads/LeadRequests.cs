using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Opportunities;

namespace CrmCloud.Sales.Features.Leads;

/// <summary>
/// A lead to create. <c>source</c> is manual, web-form, import, partner or campaign (then with <c>campaignId</c>);
/// <c>status</c> new (the default), working, qualified or disqualified (then with <c>disqualifiedReason</c>).
/// </summary>
public sealed record CreateLeadRequest(
    Guid? Id,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? CompanyName,
    string? JobTitle,
    string? Message,
    string? Source,
    Guid? CampaignId,
    string? Status,
    string? DisqualifiedReason,
    int? Score,
    string? OwnerId);

/// <summary>The optional opportunity of a conversion; <c>pipelineId</c> defaults to the default pipeline, <c>stageId</c> to its first stage.</summary>
public sealed record ConvertLeadRequest(ConvertOpportunityRequest? Opportunity);

public sealed record ConvertOpportunityRequest(
    string? Name,
    MoneyRequest? Amount,
    DateOnly? ExpectedCloseDate,
    Guid? PipelineId,
    Guid? StageId,
    string? OwnerId);

public sealed record LeadResponse(
    Guid Id,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? CompanyName,
    string? JobTitle,
    string? Message,
    LeadSource Source,
    Guid? CampaignId,
    LeadStatus Status,
    string? DisqualifiedReason,
    int Score,
    string? OwnerId,
    Guid? FormId,
    LeadConversionResponse? Conversion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static LeadResponse From(Lead lead)
    {
        var d = lead.Details;
        return new(
            lead.Id, d.FirstName, d.LastName, d.Email, d.Phone, d.CompanyName, d.JobTitle, d.Message, d.Source, d.CampaignId, d.Status,
            d.DisqualifiedReason, d.Score, d.OwnerId, lead.FormId, LeadConversionResponse.From(lead.Conversion), lead.CreatedAt, lead.UpdatedAt, lead.Version);
    }
}

/// <summary>
/// The conversion of a lead: <c>completedAt</c> is absent while contacts has not answered yet; then <c>personId</c>
/// (and <c>companyId</c>) name the contacts it became and <c>opportunityId</c> the opportunity created, if one was asked for.
/// </summary>
public sealed record LeadConversionResponse(
    DateTimeOffset RequestedAt,
    string RequestedBy,
    Guid ProposedPersonId,
    Guid? ProposedCompanyId,
    LeadOpportunityResponse? Opportunity,
    Guid? PersonId,
    Guid? CompanyId,
    Guid? OpportunityId,
    DateTimeOffset? CompletedAt)
{
    public static LeadConversionResponse? From(LeadConversion? conversion) => conversion is null
        ? null
        : new(
            conversion.RequestedAt,
            conversion.RequestedBy,
            conversion.ProposedPersonId,
            conversion.ProposedCompanyId,
            conversion.Opportunity is { } o ? new LeadOpportunityResponse(o.Name, Money.Of(o.Amount, o.Currency), o.ExpectedCloseDate, o.PipelineId, o.StageId, o.OwnerId) : null,
            conversion.PersonId,
            conversion.CompanyId,
            conversion.OpportunityId,
            conversion.CompletedAt);
}

public sealed record LeadOpportunityResponse(string Name, Money Amount, DateOnly? ExpectedCloseDate, Guid PipelineId, Guid StageId, string OwnerId);

/// <summary>The rules a lead follows, on create, on every patch and on web-form capture.</summary>
public static class LeadRequests
{
    public const int NameLength = 100;
    public const int MessageLength = 4000;
    public const int ReasonLength = 500;
    public const int OwnerLength = 64;
    public const int MaxScore = 100;

    private static readonly HashSet<string> Patchable =
        ["firstName", "lastName", "email", "phone", "companyName", "jobTitle", "message", "source", "campaignId", "status", "disqualifiedReason", "score", "ownerId"];

    /// <summary>The validated details, or null with the reasons; <paramref name="defaultOwner"/> owns a lead created without an owner.</summary>
    public static LeadDetails? Validate(this CreateLeadRequest request, string? defaultOwner, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        var email = errors.Email("email", request.Email);
        var lastName = errors.Optional("lastName", request.LastName, NameLength);
        if (email is null && lastName is null)
        {
            errors.Add("email", "A lead needs an email address or a last name.");
        }

        var source = Parse<LeadSource>("source", request.Source, LeadSource.Manual, errors);
        if (source == LeadSource.Campaign && request.CampaignId is null)
        {
            errors.Add("campaignId", "A lead from a campaign names the campaign.");
        }

        if (request.CampaignId == Guid.Empty)
        {
            errors.Add("campaignId", "The id must not be the empty UUID.");
        }

        var status = Parse<LeadStatus>("status", request.Status, LeadStatus.New, errors);
        if (status == LeadStatus.Converted)
        {
            errors.Add("status", "A lead is converted through POST /api/v1/leads/{id}/convert, not by setting its status.");
        }

        var reason = errors.Optional("disqualifiedReason", request.DisqualifiedReason, ReasonLength);
        if (status == LeadStatus.Disqualified && reason is null)
        {
            errors.Add("disqualifiedReason", "A disqualified lead says why.");
        }
        else if (status != LeadStatus.Disqualified && reason is not null)
        {
            errors.Add("disqualifiedReason", "Only a disqualified lead has a reason.");
        }

        if (request.Score is < 0 or > MaxScore)
        {
            errors.Add("score", $"A score is between 0 and {MaxScore}.");
        }

        var details = new LeadDetails(
            errors.Optional("firstName", request.FirstName, NameLength),
            lastName,
            email,
            errors.Phone("phone", request.Phone),
            errors.Optional("companyName", request.CompanyName, NameLength),
            errors.Optional("jobTitle", request.JobTitle, NameLength),
            errors.Optional("message", request.Message, MessageLength),
            source,
            request.CampaignId,
            status,
            reason,
            request.Score ?? 0,
            errors.Optional("ownerId", request.OwnerId ?? defaultOwner, OwnerLength));
        return errors.IsEmpty ? details : null;
    }

    /// <summary>
    /// The request the patched lead would have been created with. Leaving the disqualified status without naming a
    /// reason drops the old one.
    /// </summary>
    public static CreateLeadRequest? ApplyPatch(this LeadDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        if (MergePatch.Read(body, Patchable, errors) is not { } patch)
        {
            return null;
        }

        var status = patch.Text("status", WireNames<LeadStatus>.Of(current.Status), errors);
        var reason = patch.Has("disqualifiedReason") || status == WireNames<LeadStatus>.Of(LeadStatus.Disqualified)
            ? patch.Text("disqualifiedReason", current.DisqualifiedReason, errors)
            : null;
        var patched = new CreateLeadRequest(
            null,
            patch.Text("firstName", current.FirstName, errors),
            patch.Text("lastName", current.LastName, errors),
            patch.Text("email", current.Email, errors),
            patch.Text("phone", current.Phone, errors),
            patch.Text("companyName", current.CompanyName, errors),
            patch.Text("jobTitle", current.JobTitle, errors),
            patch.Text("message", current.Message, errors),
            patch.Text("source", WireNames<LeadSource>.Of(current.Source), errors),
            patch.Value("campaignId", current.CampaignId, json, errors),
            status,
            reason,
            patch.Value<int?>("score", current.Score, json, errors),
            patch.Text("ownerId", current.OwnerId, errors));
        foreach (var required in (string[])["source", "status", "score"])
        {
            if (patch.Has(required) && body.GetProperty(required).ValueKind == JsonValueKind.Null)
            {
                errors.Add(required, "This field cannot be cleared.");
            }
        }

        return errors.IsEmpty ? patched : null;
    }

    private static TEnum Parse<TEnum>(string field, string? value, TEnum fallback, FieldErrors errors)
        where TEnum : struct, Enum
    {
        if (value is null)
        {
            return fallback;
        }

        if (WireNames<TEnum>.TryParse(value, out var parsed))
        {
            return parsed;
        }

        errors.Add(field, $"One of: {string.Join(", ", WireNames<TEnum>.All)}.");
        return fallback;
    }
}
