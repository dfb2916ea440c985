namespace CrmCloud.Contracts.Sales;

/// <summary>
/// An open opportunity was won in sales. <see cref="Amount"/> is a decimal in <see cref="Currency"/>, an ISO 4217 code;
/// <see cref="PersonId"/> and <see cref="CompanyId"/> are the person and company in contacts it was for;
/// <see cref="PipelineId"/> and <see cref="StageId"/> where it stood when won; <see cref="OwnerId"/> the user who owns
/// it. An opportunity is won or lost once.
/// </summary>
public sealed record OpportunityWon(
    string TenantId,
    Guid OpportunityId,
    string Name,
    Guid PersonId,
    Guid? CompanyId,
    decimal Amount,
    string Currency,
    Guid PipelineId,
    Guid StageId,
    string OwnerId,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// An open opportunity was lost in sales, for <see cref="Reason"/> (free text). The other fields are as in
/// <see cref="OpportunityWon"/>.
/// </summary>
public sealed record OpportunityLost(
    string TenantId,
    Guid OpportunityId,
    string Name,
    Guid PersonId,
    Guid? CompanyId,
    decimal Amount,
    string Currency,
    Guid PipelineId,
    Guid StageId,
    string OwnerId,
    string Reason,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
