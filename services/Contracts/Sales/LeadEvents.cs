namespace CrmCloud.Contracts.Sales;

/// <summary>
/// A lead was captured in sales. <see cref="Source"/> is <c>"web-form"</c>, <c>"import"</c>, <c>"partner"</c>,
/// <c>"campaign"</c> or <c>"manual"</c>; <see cref="CampaignId"/> names the campaign when the source is one.
/// Carries what was captured so a consumer needs nothing else from sales.
/// </summary>
public sealed record LeadCreated(
    string TenantId,
    Guid LeadId,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? CompanyName,
    string Source,
    Guid? CampaignId,
    string? OwnerId,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// A lead was converted in sales and contacts is asked to make it a person (and a company, when
/// <see cref="CompanyName"/> is given). Contacts reuses the tenant's person with the same <see cref="Email"/>
/// (and company with the same name) when there is one, otherwise it creates them with
/// <see cref="ProposedPersonId"/> and <see cref="ProposedCompanyId"/>; either way it answers with
/// <see cref="CrmCloud.Contracts.Contacts.ContactLinked"/> (source kind <c>"lead"</c>, source id
/// <see cref="LeadId"/>). Converting a lead is done once; a redelivery links the same person.
/// </summary>
public sealed record LeadConverted(
    string TenantId,
    Guid LeadId,
    Guid ProposedPersonId,
    Guid? ProposedCompanyId,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? CompanyName,
    string Source,
    string? OwnerId,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
