using System.Text.Json.Serialization;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.Profile;

/// <summary>
/// One fact another service published about a person (an order placed, a ticket solved, ...), kept once: its
/// natural key is the tenant, <see cref="Kind"/>, <see cref="Event"/> and <see cref="SourceId"/> (the order,
/// invoice, payment, ticket or campaign response it is about), so the same fact delivered twice, even under
/// another message id, is stored once. Facts are never changed; the profile is computed from them.
/// </summary>
public sealed class CustomerFact : IEntity, ITenantOwned
{
    public const int SummaryLength = 300;
    public const int EventLength = 32;
    public const int CampaignNameLength = 200;

    private CustomerFact()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid PersonId { get; private set; }

    /// <summary>The company the fact names, when it is one of the tenant's.</summary>
    public Guid? CompanyId { get; private set; }

    public FactKind Kind { get; private set; }

    /// <summary>What happened to the source: see <see cref="FactEvents"/>; for a campaign, the response.</summary>
    public string Event { get; private set; } = "";

    public Guid SourceId { get; private set; }

    /// <summary>When it happened in the service that published it; the timeline's order.</summary>
    public DateTimeOffset OccurredAt { get; private set; }

    public string Summary { get; private set; } = "";

    /// <summary>For orders the net total (what lifetime revenue adds up), for invoices the total, for payments the amount.</summary>
    public decimal? Amount { get; private set; }

    /// <summary>ISO 4217, upper-case; set with <see cref="Amount"/>.</summary>
    public string? Currency { get; private set; }

    /// <summary>For a campaign response the campaign; for an order the campaign that won it, when known.</summary>
    public Guid? CampaignId { get; private set; }

    public string? CampaignName { get; private set; }

    /// <summary>When contacts stored the fact.</summary>
    public DateTimeOffset RecordedAt { get; private set; }

    public static CustomerFact Record(string tenantId, FactReport report, Guid? companyId, DateTimeOffset now) => new()
    {
        Id = Ids.New(),
        TenantId = tenantId,
        PersonId = report.PersonId,
        CompanyId = companyId,
        Kind = report.Kind,
        Event = report.Event,
        SourceId = report.SourceId,
        OccurredAt = Timestamps.Stored(report.OccurredAt.ToUniversalTime()),
        Summary = Shorten(report.Summary, SummaryLength)!,
        Amount = report.Amount?.Amount,
        Currency = report.Amount?.Currency,
        CampaignId = report.CampaignId,
        CampaignName = Shorten(report.CampaignName, CampaignNameLength),
        RecordedAt = now,
    };

    private static string? Shorten(string? text, int length) => text is { } value && value.Length > length ? value[..length] : text;
}

/// <summary>What an event reports, in the terms of a <see cref="CustomerFact"/>; <see cref="CustomerFacts"/> stores it.</summary>
public sealed record FactReport(
    FactKind Kind,
    string Event,
    Guid SourceId,
    Guid PersonId,
    Guid? CompanyId,
    DateTimeOffset OccurredAt,
    string Summary,
    FactAmount? Amount = null,
    Guid? CampaignId = null,
    string? CampaignName = null);

public sealed record FactAmount(decimal Amount, string Currency);

/// <summary>Which service's facts: also the kind of the person's timeline entry.</summary>
public enum FactKind
{
    [JsonStringEnumMemberName("order")]
    Order,

    [JsonStringEnumMemberName("invoice")]
    Invoice,

    [JsonStringEnumMemberName("payment")]
    Payment,

    [JsonStringEnumMemberName("ticket")]
    Ticket,

    [JsonStringEnumMemberName("campaign")]
    Campaign,
}

/// <summary>The events of a fact's source. A campaign fact's event is the response itself (<c>clicked</c>, ...).</summary>
public static class FactEvents
{
    public const string Placed = "placed";
    public const string Cancelled = "cancelled";
    public const string Issued = "issued";
    public const string Received = "received";
    public const string Opened = "opened";
    public const string Solved = "solved";
}
