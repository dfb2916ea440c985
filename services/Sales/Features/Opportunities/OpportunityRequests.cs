using System.Text.Json;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Customers;
using CrmCloud.Sales.Features.Leads;
using CrmCloud.Sales.Features.Pipelines;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Opportunities;

/// <summary>
/// An opportunity to create. <c>amount</c> is money (<c>{ "amount": "1200.00", "currency": "EUR" }</c>);
/// <c>pipelineId</c> defaults to the tenant's default pipeline, <c>stageId</c> to its first stage, <c>ownerId</c> to the caller.
/// </summary>
public sealed record CreateOpportunityRequest(
    Guid? Id,
    string? Name,
    Guid? PersonId,
    Guid? CompanyId,
    MoneyRequest? Amount,
    DateOnly? ExpectedCloseDate,
    Guid? PipelineId,
    Guid? StageId,
    string? OwnerId,
    string? Source = null);

/// <summary>Money as api.md writes it: the amount a decimal string, the currency an ISO 4217 code.</summary>
public sealed record MoneyRequest(string? Amount, string? Currency);

public sealed record LoseOpportunityRequest(string? Reason);

public sealed record OpportunityResponse(
    Guid Id,
    string Name,
    Guid PersonId,
    Guid? CompanyId,
    Money Amount,
    DateOnly? ExpectedCloseDate,
    Guid PipelineId,
    Guid StageId,
    string OwnerId,
    OpportunityStatus Status,
    string? LostReason,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<LineItemResponse> LineItems,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    LeadSource Source,
    Guid? LeadId)
{
    public static OpportunityResponse From(Opportunity opportunity) => new(
        opportunity.Id,
        opportunity.Details.Name,
        opportunity.Details.PersonId,
        opportunity.Details.CompanyId,
        Money.Of(opportunity.Details.Amount, opportunity.Details.Currency),
        opportunity.Details.ExpectedCloseDate,
        opportunity.Details.PipelineId,
        opportunity.Details.StageId,
        opportunity.Details.OwnerId,
        opportunity.Status,
        opportunity.LostReason,
        opportunity.ClosedAt,
        [.. opportunity.LineItems.Select(item => LineItemResponse.From(item, opportunity.Details.Currency))],
        opportunity.CreatedAt,
        opportunity.UpdatedAt,
        opportunity.Version,
        opportunity.Source,
        opportunity.LeadId);
}

public sealed record StageChangeResponse(Guid Id, Guid? FromStageId, Guid ToStageId, string ChangedBy, DateTimeOffset ChangedAt)
{
    public static StageChangeResponse From(OpportunityStageChange change) =>
        new(change.Id, change.FromStageId, change.ToStageId, change.ChangedBy, change.ChangedAt);
}

/// <summary>
/// The rules an opportunity follows, on create and on every patch: the fields on their own first, then
/// <see cref="ResolveAsync"/> against the tenant's customers and pipelines.
/// </summary>
public static class OpportunityRequests
{
    public const int NameLength = 200;
    public const int OwnerLength = 64;
    public const int ReasonLength = 500;

    private static readonly HashSet<string> Patchable = ["name", "personId", "companyId", "amount", "expectedCloseDate", "pipelineId", "stageId", "ownerId"];

    public static CreateOpportunityRequest Check(this CreateOpportunityRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        if (request.Source is { } source && !WireNames<LeadSource>.TryParse(source, out _))
        {
            errors.Add("source", $"One of: {string.Join(", ", WireNames<LeadSource>.All)}.");
        }

        return request;
    }

    /// <summary>The source a created opportunity names, manual when it names none; call after <see cref="Check"/>.</summary>
    public static LeadSource SourceOf(this CreateOpportunityRequest request) =>
        request.Source is { } source && WireNames<LeadSource>.TryParse(source, out var parsed) ? parsed : LeadSource.Manual;

    /// <summary>The request the patched opportunity would have been created with; a new pipeline without a stage starts at its first stage.</summary>
    public static CreateOpportunityRequest? ApplyPatch(this OpportunityDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        var pipelineId = patch.Value<Guid?>("pipelineId", current.PipelineId, json, errors);
        var pipelineMoved = pipelineId != current.PipelineId;
        var patched = new CreateOpportunityRequest(
            null,
            patch.Text("name", current.Name, errors),
            patch.Value<Guid?>("personId", current.PersonId, json, errors),
            patch.Value("companyId", current.CompanyId, json, errors),
            patch.Value("amount", new MoneyRequest(PricingFields.Text(current.Amount), current.Currency), json, errors),
            patch.Value("expectedCloseDate", current.ExpectedCloseDate, json, errors),
            pipelineId,
            patch.Value<Guid?>("stageId", pipelineMoved ? null : current.StageId, json, errors),
            patch.Text("ownerId", current.OwnerId, errors));
        if (patch.Has("pipelineId") && pipelineId is null)
        {
            errors.Add("pipelineId", "An opportunity is always in a pipeline.");
        }

        if (patch.Has("stageId") && patched.StageId is null)
        {
            errors.Add("stageId", "An opportunity is always in a stage.");
        }

        return errors.IsEmpty ? patched : null;
    }

    /// <summary>
    /// The details the request describes, with the pipeline (the default when none is named) and stage (its first
    /// when none is named) looked up, and a new person checked to be a live customer of the tenant; null with errors otherwise.
    /// <paramref name="currentPersonId"/> is the person a patched opportunity is for already: it stays valid even once
    /// contacts has erased that customer, so the rest of the opportunity can still be edited.
    /// </summary>
    public static async Task<OpportunityDetails?> ResolveAsync(
        this CreateOpportunityRequest request, string caller, Guid? currentPersonId, SalesDb db, TimeProvider time, FieldErrors errors, CancellationToken cancellationToken)
    {
        var name = errors.Required("name", request.Name, NameLength);
        var owner = errors.Required("ownerId", request.OwnerId ?? caller, OwnerLength);
        if (request.CompanyId == Guid.Empty)
        {
            errors.Add("companyId", "The id must not be the empty UUID.");
        }

        decimal? amount = null;
        string? currency = null;
        if (request.Amount is not { } money)
        {
            errors.Add("amount", "This field is required: { \"amount\": \"1200.00\", \"currency\": \"EUR\" }.");
        }
        else
        {
            currency = Currencies.Validate("amount.currency", money.Currency, errors);
            amount = errors.Amount("amount.amount", money.Amount, currency is null ? PricingFields.UnitPriceDecimals : Currencies.MinorUnits(currency));
        }

        Guid? personId = null;
        if (request.PersonId is not { } person || person == Guid.Empty)
        {
            errors.Add("personId", "This field is required.");
        }
        else if (person == currentPersonId)
        {
            personId = person;
        }
        else if (await CustomerLocks.LockCustomerAsync(db, person, cancellationToken) is { } live)
        {
            personId = live;
        }
        else
        {
            errors.Add("personId", $"No customer with person id {person}: sales knows the tenant's people from contacts.");
        }

        var pipeline = request.PipelineId is { } named
            ? await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Id == named, cancellationToken)
            : await DefaultPipeline.GetOrCreateAsync(db, time, cancellationToken);
        PipelineStage? stage = null;
        if (pipeline is null)
        {
            errors.Add("pipelineId", $"No pipeline with id {request.PipelineId}.");
        }
        else if (request.StageId is not { } stageId)
        {
            stage = pipeline.Details.Stages[0];
        }
        else if ((stage = pipeline.Stage(stageId)) is null)
        {
            errors.Add("stageId", $"No stage with id {stageId} in pipeline {pipeline.Id}.");
        }

        return errors.IsEmpty
            ? new OpportunityDetails(name!, personId!.Value, request.CompanyId, amount!.Value, currency!, request.ExpectedCloseDate, pipeline!.Id, stage!.Id, owner!)
            : null;
    }

    public static string? Validate(this LoseOpportunityRequest? request, FieldErrors errors) =>
        errors.Required("reason", request?.Reason, ReasonLength);
}
