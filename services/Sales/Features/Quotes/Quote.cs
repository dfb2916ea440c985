using System.Text.Json.Serialization;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Quotes;

/// <summary>
/// A priced offer to a customer, made from an opportunity and valid until a day: lines, taxes and totals are worked
/// out as an order's are and never repriced. It moves draft → sent → accepted (which places an order at exactly
/// these prices) or declined.
/// </summary>
public sealed class Quote : IVersioned, ITenantOwned
{
    private Quote()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    /// <summary>The tenant's own running number (<c>QT-000042</c>).</summary>
    public string Number { get; private set; } = "";

    public QuoteStatus Status { get; private set; }

    public Guid OpportunityId { get; private set; }

    public Guid PersonId { get; private set; }

    public Guid? CompanyId { get; private set; }

    public string Currency { get; private set; } = "";

    /// <summary>The list the tax rates (and the prices of lines without a negotiated one) came from.</summary>
    public Guid PriceListId { get; private set; }

    public PricedLine[] Lines { get; private set; } = [];

    public TaxLine[] Taxes { get; private set; } = [];

    public decimal NetTotal { get; private set; }

    public decimal DiscountTotal { get; private set; }

    public decimal TaxTotal { get; private set; }

    public decimal Total { get; private set; }

    /// <summary>The last day the customer can accept it.</summary>
    public DateOnly ValidUntil { get; private set; }

    public string? Terms { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    public DateTimeOffset? AcceptedAt { get; private set; }

    public DateTimeOffset? DeclinedAt { get; private set; }

    public string? DeclineReason { get; private set; }

    /// <summary>The order accepting it placed.</summary>
    public Guid? OrderId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    public static Quote Create(
        string tenantId, Guid id, string number, Guid opportunityId, Guid personId, Guid? companyId, Guid priceListId, PricedOrder priced, DateOnly validUntil, string? terms, DateTimeOffset now) => new()
        {
            Id = id,
            TenantId = tenantId,
            Number = number,
            Status = QuoteStatus.Draft,
            OpportunityId = opportunityId,
            PersonId = personId,
            CompanyId = companyId,
            Currency = priced.Currency,
            PriceListId = priceListId,
            Lines = [.. priced.Lines],
            Taxes = [.. priced.Taxes],
            NetTotal = priced.NetTotal,
            DiscountTotal = priced.DiscountTotal,
            TaxTotal = priced.TaxTotal,
            Total = priced.Total,
            ValidUntil = validUntil,
            Terms = terms,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };

    public PricedOrder Priced => new(Currency, Lines, Taxes, NetTotal, DiscountTotal, TaxTotal, Total);

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
        UpdatedAt = now;
        Version++;
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
        quote.ToTable("quotes");
        quote.HasKey(q => q.Id);
        quote.Property(q => q.Id).ValueGeneratedNever();
        quote.Property(q => q.Version).IsConcurrencyToken();
        quote.HasIndex(q => new { q.TenantId, q.Id });
        quote.HasIndex(q => new { q.TenantId, q.Number }).IsUnique();
        quote.HasIndex(q => new { q.TenantId, q.OpportunityId });
        quote.Property(q => q.Number).HasMaxLength(32);
        quote.Property(q => q.Status).HasMaxLength(16).HasConversion(WireNames<QuoteStatus>.Converter);
        quote.Property(q => q.Currency).HasMaxLength(3);
        quote.Property(q => q.Lines).HasColumnType("jsonb").HasConversion(JsonColumn<PricedLine[]>.Converter, JsonColumn<PricedLine[]>.Comparer);
        quote.Property(q => q.Taxes).HasColumnType("jsonb").HasConversion(JsonColumn<TaxLine[]>.Converter, JsonColumn<TaxLine[]>.Comparer);
        quote.Property(q => q.NetTotal).HasPrecision(20, 4);
        quote.Property(q => q.DiscountTotal).HasPrecision(20, 4);
        quote.Property(q => q.TaxTotal).HasPrecision(20, 4);
        quote.Property(q => q.Total).HasPrecision(20, 4);
        quote.Property(q => q.Terms).HasMaxLength(QuoteRequests.TermsLength);
        quote.Property(q => q.DeclineReason).HasMaxLength(QuoteRequests.ReasonLength);
    }
}
