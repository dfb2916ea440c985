namespace CrmCloud.Contracts.Contacts;

/// <summary>
/// Contacts resolved a person captured elsewhere (a converted lead, an unknown ticket requester) to
/// <see cref="PersonId"/>, and to <see cref="CompanyId"/> when a company was named. <see cref="SourceKind"/> is
/// <c>"lead"</c> or <c>"ticket-requester"</c> and <see cref="SourceId"/> the lead's or ticket's id, so the service
/// that asked recognises its answer. <see cref="PersonCreated"/> and <see cref="CompanyCreated"/> tell whether
/// contacts made them new (it then also publishes <see cref="ContactCreated"/>/<see cref="CompanyCreated"/>) or
/// reused existing ones.
/// </summary>
public sealed record ContactLinked(
    string TenantId,
    string SourceKind,
    Guid SourceId,
    Guid PersonId,
    Guid? CompanyId,
    bool PersonCreated,
    bool CompanyCreated,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
