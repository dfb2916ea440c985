using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using CrmCloud.Sales.Features.Customers;
using CrmCloud.Sales.Features.Opportunities;
using CrmCloud.Sales.Features.Pipelines;
using CrmCloud.Sales.Features.Pricing;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Leads;

/// <summary>The opportunity a conversion asks for, resolved against the tenant's pipelines when the conversion is asked for.</summary>
public static class LeadConversions
{
    /// <summary>The source kind contacts names a converted lead's answer with.</summary>
    public const string SourceKind = "lead";

    /// <summary>
    /// The opportunity to create once contacts answers, with the defaults applied: named after the lead's company (or
    /// name), in the default pipeline's first stage, owned by the lead's owner or the caller. Null with errors when invalid.
    /// </summary>
    public static async Task<LeadOpportunity?> ResolveAsync(
        this ConvertOpportunityRequest request, Lead lead, string caller, SalesDb db, TimeProvider time, FieldErrors errors, CancellationToken cancellationToken)
    {
        var d = lead.Details;
        var fullName = string.Join(' ', new[] { d.FirstName, d.LastName }.OfType<string>());
        var fallbackName = d.CompanyName ?? (fullName.Length > 0 ? fullName : d.Email);
        var name = errors.Required("opportunity.name", request.Name ?? fallbackName, OpportunityRequests.NameLength);
        var owner = errors.Required("opportunity.ownerId", request.OwnerId ?? d.OwnerId ?? caller, OpportunityRequests.OwnerLength);
        decimal? amount = null;
        string? currency = null;
        if (request.Amount is not { } money)
        {
            errors.Add("opportunity.amount", "This field is required: { \"amount\": \"1200.00\", \"currency\": \"EUR\" }.");
        }
        else
        {
            currency = Currencies.Validate("opportunity.amount.currency", money.Currency, errors);
            amount = errors.Amount("opportunity.amount.amount", money.Amount, currency is null ? PricingFields.UnitPriceDecimals : Currencies.MinorUnits(currency));
        }

        var pipeline = request.PipelineId is { } named
            ? await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Id == named, cancellationToken)
            : await DefaultPipeline.GetOrCreateAsync(db, time, cancellationToken);
        PipelineStage? stage = null;
        if (pipeline is null)
        {
            errors.Add("opportunity.pipelineId", $"No pipeline with id {request.PipelineId}.");
        }
        else if ((stage = request.StageId is { } stageId ? pipeline.Stage(stageId) : pipeline.Details.Stages[0]) is null)
        {
            errors.Add("opportunity.stageId", $"No stage with id {request.StageId} in pipeline {pipeline.Id}.");
        }

        return errors.IsEmpty
            ? new LeadOpportunity(name!, amount!.Value, currency!, request.ExpectedCloseDate, pipeline!.Id, stage!.Id, owner!)
            : null;
    }
}

/// <summary>
/// Completes a lead's conversion when contacts answers with the person (and company) it resolved: the lead becomes
/// converted and the opportunity asked for is created, once, through the inbox and the lead's own state (a second
/// answer for the same lead changes nothing). The opportunity does not wait for the customer copy of a new person,
/// which may arrive after this answer: contacts has just vouched for the person.
/// </summary>
public sealed class LeadLinkConsumer(SalesDb db, TimeProvider time) : IConsumer<ContactLinked>
{
    public Task Consume(ConsumeContext<ContactLinked> context) =>
        context.Message.SourceKind != LeadConversions.SourceKind
            ? Task.CompletedTask
            : db.HandleOnceAsync(context, nameof(LeadLinkConsumer), async (message, cancellationToken) =>
            {
                var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == message.SourceId, cancellationToken);
                if (lead?.Conversion is not { CompletedAt: null } conversion)
                {
                    return;
                }

                var now = time.GetUtcNow();
                // A person merged meanwhile is taken as the survivor, as for every opportunity.
                var personId = await CustomerLocks.LockCustomerAsync(db, message.PersonId, cancellationToken) ?? message.PersonId;
                Guid? opportunityId = null;
                if (conversion.Opportunity is { } asked)
                {
                    var opportunity = await CreateOpportunityAsync(lead, asked, personId, message.CompanyId, conversion.RequestedBy, now, cancellationToken);
                    opportunityId = opportunity.Id;
                }

                lead.CompleteConversion(personId, message.CompanyId, opportunityId, now);
            });

    private async Task<Opportunity> CreateOpportunityAsync(
        Lead lead, LeadOpportunity asked, Guid personId, Guid? companyId, string requestedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The pipeline named at conversion may have been deleted or restaged since: then the default pipeline's first stage.
        var pipeline = await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Id == asked.PipelineId, cancellationToken);
        var stage = pipeline?.Stage(asked.StageId);
        if (pipeline is null || stage is null)
        {
            pipeline = await DefaultPipeline.GetOrCreateAsync(db, time, cancellationToken);
            stage = pipeline.Details.Stages[0];
        }

        var details = new OpportunityDetails(asked.Name, personId, companyId, asked.Amount, asked.Currency, asked.ExpectedCloseDate, pipeline.Id, stage.Id, asked.OwnerId);
        var opportunity = Opportunity.Create(db.Tenant.TenantId, Ids.New(), details, now, lead.Details.Source, lead.Id);
        db.Opportunities.Add(opportunity);
        db.OpportunityStageChanges.Add(OpportunityStageChange.Record(db.Tenant.TenantId, opportunity.Id, null, stage.Id, requestedBy, now));
        return opportunity;
    }
}
