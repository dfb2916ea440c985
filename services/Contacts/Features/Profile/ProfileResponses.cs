using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.Profile;

/// <summary>
/// A person's or a company's customer profile: <c>personId</c> or <c>companyId</c> says whose. Lifetime revenue has one
/// amount per currency ordered in (ordered by currency), the net totals of orders placed and not cancelled; the order
/// figures count those orders. <c>valueScore</c> is a person's RFM score, absent until they have an order.
/// </summary>
public sealed record CustomerProfileResponse(
    Guid? PersonId,
    Guid? CompanyId,
    IReadOnlyList<Money> LifetimeRevenue,
    int OrderCount,
    DateTimeOffset? FirstOrderAt,
    DateTimeOffset? LastOrderAt,
    int OpenTickets,
    LastCampaignResponse? LastCampaignResponse,
    ValueScoreResponse? ValueScore)
{
    public static CustomerProfileResponse ForPerson(Guid personId, ProfileFigures figures, ValueScore? score) =>
        From(personId, null, figures, score);

    public static CustomerProfileResponse ForCompany(Guid companyId, ProfileFigures figures) =>
        From(null, companyId, figures, null);

    private static CustomerProfileResponse From(Guid? personId, Guid? companyId, ProfileFigures figures, ValueScore? score) => new(
        personId,
        companyId,
        [.. figures.Revenue.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => Money.Of(pair.Value, pair.Key))],
        figures.OrderCount,
        figures.FirstOrderAt,
        figures.LastOrderAt,
        figures.OpenTickets,
        figures.LastCampaignResponse,
        score is null ? null : new ValueScoreResponse(score.Recency, score.Frequency, score.Monetary, score.Combined));
}

/// <summary>Recency, frequency and monetary, each 1 (lowest fifth of the tenant's customers) to 5 (best fifth); combined is their sum.</summary>
public sealed record ValueScoreResponse(int Recency, int Frequency, int Monetary, int Combined);

/// <summary>
/// A fact from another service as the timeline and the export show it. <c>event</c> is what happened: for orders
/// placed or cancelled, invoices issued, payments received, tickets opened or solved, and for campaigns the response
/// (opened, clicked, replied, converted, unsubscribed). <c>sourceId</c> is the order, invoice, payment, ticket or
/// campaign response in its own service. <c>amount</c> is an order's net total (before tax), an invoice's total or a
/// payment's amount.
/// </summary>
public sealed record CustomerFactResponse(
    Guid Id,
    FactKind Kind,
    string Event,
    Guid SourceId,
    Guid PersonId,
    Guid? CompanyId,
    DateTimeOffset OccurredAt,
    string Summary,
    Money? Amount,
    Guid? CampaignId,
    string? CampaignName)
{
    public static CustomerFactResponse From(CustomerFact fact) => new(
        fact.Id,
        fact.Kind,
        fact.Event,
        fact.SourceId,
        fact.PersonId,
        fact.CompanyId,
        fact.OccurredAt,
        fact.Summary,
        fact.Amount is { } amount && fact.Currency is { } currency ? Money.Of(amount, currency) : null,
        fact.CampaignId,
        fact.CampaignName);
}
