using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.Profile;

/// <summary>
/// What the facts about one person add up to, kept so that people can be sorted and scored by it. It is
/// always recomputed from all of the person's facts (see <see cref="CustomerProfiles"/>), never adjusted by
/// one event, so neither the order the facts arrive in nor a repeat can change the result.
/// </summary>
public sealed class CustomerProfile : ITenantOwned
{
    private CustomerProfile()
    {
    }

    public Guid PersonId { get; private set; }

    public string TenantId { get; private set; } = "";

    /// <summary>Lifetime revenue, one row per currency the person has ordered in.</summary>
    public List<CustomerRevenue> Revenues { get; private set; } = [];

    public int OrderCount { get; private set; }

    public DateTimeOffset? FirstOrderAt { get; private set; }

    public DateTimeOffset? LastOrderAt { get; private set; }

    public int OpenTickets { get; private set; }

    public string? LastResponse { get; private set; }

    public Guid? LastResponseCampaignId { get; private set; }

    public string? LastResponseCampaignName { get; private set; }

    public DateTimeOffset? LastResponseAt { get; private set; }

    public static CustomerProfile For(string tenantId, Guid personId) => new() { TenantId = tenantId, PersonId = personId };

    public void Apply(ProfileFigures figures)
    {
        OrderCount = figures.OrderCount;
        FirstOrderAt = figures.FirstOrderAt;
        LastOrderAt = figures.LastOrderAt;
        OpenTickets = figures.OpenTickets;
        LastResponse = figures.LastCampaignResponse?.Response;
        LastResponseCampaignId = figures.LastCampaignResponse?.CampaignId;
        LastResponseCampaignName = figures.LastCampaignResponse?.CampaignName;
        LastResponseAt = figures.LastCampaignResponse?.RespondedAt;

        Revenues.RemoveAll(revenue => !figures.Revenue.ContainsKey(revenue.Currency));
        foreach (var (currency, amount) in figures.Revenue)
        {
            if (Revenues.Find(revenue => revenue.Currency == currency) is { } kept)
            {
                kept.Amount = amount;
            }
            else
            {
                Revenues.Add(new CustomerRevenue(TenantId, PersonId, currency, amount));
            }
        }
    }

    public ProfileFigures Figures() => new(
        Revenues.ToDictionary(revenue => revenue.Currency, revenue => revenue.Amount, StringComparer.Ordinal),
        OrderCount,
        FirstOrderAt,
        LastOrderAt,
        OpenTickets,
        LastResponse is { } response && LastResponseCampaignId is { } campaignId && LastResponseAt is { } at
            ? new LastCampaignResponse(response, campaignId, LastResponseCampaignName ?? "", at)
            : null);
}

/// <summary>A person's lifetime revenue in one currency: the net totals of their orders not cancelled.</summary>
public sealed class CustomerRevenue(string tenantId, Guid personId, string currency, decimal amount) : ITenantOwned
{
    public string TenantId { get; private set; } = tenantId;

    public Guid PersonId { get; private set; } = personId;

    public string Currency { get; private set; } = currency;

    public decimal Amount { get; set; } = amount;
}

/// <summary>
/// A profile's figures, from a person's facts or a company's. <see cref="Revenue"/> maps each currency to the
/// net total of the orders placed in it and not cancelled; the order figures count those orders only.
/// </summary>
public sealed record ProfileFigures(
    IReadOnlyDictionary<string, decimal> Revenue,
    int OrderCount,
    DateTimeOffset? FirstOrderAt,
    DateTimeOffset? LastOrderAt,
    int OpenTickets,
    LastCampaignResponse? LastCampaignResponse)
{
    public static readonly ProfileFigures None = new(new Dictionary<string, decimal>(), 0, null, null, 0, null);

    public bool IsEmpty => Revenue.Count == 0 && OrderCount == 0 && OpenTickets == 0 && LastCampaignResponse is null;
}

/// <summary>The latest campaign response: <c>response</c> is opened, clicked, replied, converted or unsubscribed.</summary>
public sealed record LastCampaignResponse(string Response, Guid CampaignId, string CampaignName, DateTimeOffset RespondedAt);
