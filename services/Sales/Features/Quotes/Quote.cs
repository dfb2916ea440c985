using System.Text.Json.Serialization;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Orders;
using CrmCloud.Sales.Features.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Quotes;

/// <summary>
/// A priced offer to a customer, made from an opportunity and valid until a day: lines, taxes and totals are worked
/// out as an order's are and never repriced. It moves draft → sent → accepted (which places an order at exactly
/// these prices) or declined.
/// </summary>
public sealed class Quote : PricedDocument
{
    private Quote()
    {
    }

    public QuoteStatus Status { get; private set; }

    public Guid OpportunityId { get; private set; }

    /// <summary>The last day the customer can accept it.</summary>
    public DateOnly ValidUntil { get; private set; }

    public string? Terms { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    public DateTimeOffset? AcceptedAt { get; private set; }

    public DateTimeOffset? DeclinedAt { get; private set; }

    public string? DeclineReason { get; private set; }

    /// <summary>The order accepting it placed.</summary>
    public Guid? OrderId { get; private set; }

    public static Quote Create(
        string tenantId, Guid id, string number, Guid opportunityId, Guid personId, Guid? companyId, Guid priceListId, PricedOrder priced, DateOnly validUntil, string? terms, DateTimeOffset now)
    {
        var quote = new Quote { Status = QuoteStatus.Draft, OpportunityId = opportunityId, ValidUntil = validUntil, Terms = terms };
        quote.Initialize(tenantId, id, number, personId, companyId, priceListId, priced, now);
        return quote;
    }

    /// <summary>Past its last day without an answer: it can no longer be accepted.</summary>
    public bool IsExpiredOn(DateOnly day) => Status is QuoteStatus.Draft or QuoteStatus.Sent && day > ValidUntil;

    /// <returns>False unless the quote is a draft: nothing changed.</returns>
    public bool Send(DateTimeOffset now) => Move(QuoteStatus.Draft, QuoteStatus.Sent, now, () => SentAt = now);

    /// <returns>False unless the quote is sent: nothing changed.</returns>
    public bool Accept(Guid orderId, DateTimeOffset now) => Move(QuoteStatus.Sent, QuoteStatus.Accepted, now, () => (AcceptedAt, OrderId) = (now, orderId));

    /// <returns>False unless the quote is sent: nothing changed.</returns>
    public bool Decline(string? reason, DateTimeOffset now) => Move(QuoteStatus.Sent, QuoteStatus.Declined, now, () => (DeclinedAt, DeclineReason) = (now, reason));

    private bool Move(QuoteStatus from, QuoteStatus to, DateTimeOffset now, Action record)
    {
        if (Status != from)
        {
            return false;
        }

        Status = to;
        record();
        Touch(now);
        return true;
    }
}

public enum QuoteStatus
{
    [JsonStringEnumMemberName("draft")]
    Draft,

    [JsonStringEnumMemberName("sent")]
    Sent,

    [JsonStringEnumMemberName("accepted")]
    Accepted,

    [JsonStringEnumMemberName("declined")]
    Declined,
}

internal sealed class QuoteConfiguration : IEntityTypeConfiguration<Quote>
{
    public void Configure(EntityTypeBuilder<Quote> quote)
    {
        PricedDocumentColumns.Configure(quote, "quotes");
        quote.HasIndex(q => new { q.TenantId, q.OpportunityId });
        quote.Property(q => q.Status).HasMaxLength(16).HasConversion(WireNames<QuoteStatus>.Converter);
        quote.Property(q => q.Terms).HasMaxLength(QuoteRequests.TermsLength);
        quote.Property(q => q.DeclineReason).HasMaxLength(QuoteRequests.ReasonLength);
    }
}
