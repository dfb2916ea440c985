using System.Text.Json.Serialization;
using CrmCloud.Contracts.Sales;
using CrmCloud.Platform.Data;
using CrmCloud.Sales.Features.Leads;
using CrmCloud.Sales.Features.Pipelines;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Opportunities;

/// <summary>
/// A possible sale to a customer, moving through the stages of a pipeline until it is won or lost; closing it
/// returns the event to publish with it, and a closed opportunity stays closed.
/// </summary>
public sealed class Opportunity : VersionedResource<OpportunityDetails>
{
    private Opportunity()
    {
    }

    public OpportunityStatus Status { get; private set; }

    /// <summary>Why it was lost; set only when <see cref="Status"/> is lost.</summary>
    public string? LostReason { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>The products it would sell; when there are any, the amount is the sum of their nets.</summary>
    public OpportunityLineItem[] LineItems { get; private set; } = [];

    /// <summary>Where the business came from (a lead's source, or manual), so win rates can be told by source.</summary>
    public LeadSource Source { get; private set; }

    /// <summary>The lead whose conversion created it, if one did.</summary>
    public Guid? LeadId { get; private set; }

    public static Opportunity Create(
        string tenantId, Guid id, OpportunityDetails details, DateTimeOffset now, LeadSource source = LeadSource.Manual, Guid? leadId = null)
    {
        var created = new Opportunity { Status = OpportunityStatus.Open, Source = source, LeadId = leadId };
        created.Initialize(tenantId, id, details, now);
        return created;
    }

    /// <returns>The event to publish, or null when the opportunity is closed already.</returns>
    public OpportunityWon? Win(DateTimeOffset now)
    {
        if (!Close(OpportunityStatus.Won, null, now))
        {
            return null;
        }

        var d = Details;
        return new OpportunityWon(TenantId, Id, d.Name, d.PersonId, d.CompanyId, d.Amount, d.Currency, d.PipelineId, d.StageId, d.OwnerId, now);
    }

    /// <returns>The event to publish, or null when the opportunity is closed already.</returns>
    public OpportunityLost? Lose(string reason, DateTimeOffset now)
    {
        if (!Close(OpportunityStatus.Lost, reason, now))
        {
            return null;
        }

        var d = Details;
        return new OpportunityLost(TenantId, Id, d.Name, d.PersonId, d.CompanyId, d.Amount, d.Currency, d.PipelineId, d.StageId, d.OwnerId, reason, now);
    }

    /// <returns>False when <paramref name="items"/> are the items it has: nothing changed.</returns>
    public bool ReplaceLineItems(OpportunityLineItem[] items, DateTimeOffset now)
    {
        if (items.SequenceEqual(LineItems))
        {
            return false;
        }

        LineItems = items;
        if (items.Length == 0 || !Change(Details with { Amount = items.Sum(item => item.NetAmount) }, now))
        {
            Touch(now);
        }

        return true;
    }

    private bool Close(OpportunityStatus status, string? reason, DateTimeOffset now)
    {
        if (Status != OpportunityStatus.Open)
        {
            return false;
        }

        Status = status;
        LostReason = reason;
        ClosedAt = now;
        Touch(now);
        return true;
    }
}

/// <summary>
/// What a caller says about an opportunity. <see cref="Amount"/> is in <see cref="Currency"/> (ISO 4217), rounded to
/// its minor unit; <see cref="OwnerId"/> is the user (token subject) who owns it; <see cref="StageId"/> is a stage of
/// <see cref="PipelineId"/>.
/// </summary>
public sealed record OpportunityDetails(
    string Name,
    Guid PersonId,
    Guid? CompanyId,
    decimal Amount,
    string Currency,
    DateOnly? ExpectedCloseDate,
    Guid PipelineId,
    Guid StageId,
    string OwnerId);

public enum OpportunityStatus
{
    [JsonStringEnumMemberName("open")]
    Open,

    [JsonStringEnumMemberName("won")]
    Won,

    [JsonStringEnumMemberName("lost")]
    Lost,
}

/// <summary>One move of an opportunity between stages: who moved it and when. The first has no <see cref="FromStageId"/>: it is the creation.</summary>
public sealed class OpportunityStageChange : IEntity, ITenantOwned
{
    private OpportunityStageChange()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid OpportunityId { get; private set; }

    public Guid? FromStageId { get; private set; }

    public Guid ToStageId { get; private set; }

    public string ChangedBy { get; private set; } = "";

    public DateTimeOffset ChangedAt { get; private set; }

    public static OpportunityStageChange Record(string tenantId, Guid opportunityId, Guid? fromStageId, Guid toStageId, string changedBy, DateTimeOffset now) => new()
    {
        Id = Ids.New(),
        TenantId = tenantId,
        OpportunityId = opportunityId,
        FromStageId = fromStageId,
        ToStageId = toStageId,
        ChangedBy = changedBy,
        ChangedAt = now,
    };
}

internal sealed class OpportunityConfiguration : IEntityTypeConfiguration<Opportunity>
{
    public void Configure(EntityTypeBuilder<Opportunity> opportunity)
    {
        opportunity.ToTable("opportunities");
        opportunity.HasKey(o => o.Id);
        opportunity.Property(o => o.Id).ValueGeneratedNever();
        opportunity.Property(o => o.Version).IsConcurrencyToken();
        opportunity.HasIndex(o => new { o.TenantId, o.Id });
        opportunity.Property(o => o.Status).HasMaxLength(16).HasConversion(WireNames<OpportunityStatus>.Converter);
        opportunity.Property(o => o.LostReason).HasMaxLength(OpportunityRequests.ReasonLength);
        opportunity.Property(o => o.LineItems).HasColumnType("jsonb")
            .HasConversion(JsonColumn<OpportunityLineItem[]>.Converter, JsonColumn<OpportunityLineItem[]>.Comparer);
        opportunity.Property(o => o.Source).HasMaxLength(16).HasConversion(WireNames<LeadSource>.Converter);
        opportunity.Property(o => o.LeadId);
        opportunity.ComplexProperty(o => o.Details, details =>
        {
            details.Property(d => d.Name).HasColumnName("name").HasMaxLength(OpportunityRequests.NameLength);
            details.Property(d => d.PersonId).HasColumnName("person_id");
            details.Property(d => d.CompanyId).HasColumnName("company_id");
            details.Property(d => d.Amount).HasColumnName("amount").HasPrecision(20, 4);
            details.Property(d => d.Currency).HasColumnName("currency").HasMaxLength(3);
            details.Property(d => d.ExpectedCloseDate).HasColumnName("expected_close_date");
            details.Property(d => d.PipelineId).HasColumnName("pipeline_id");
            details.Property(d => d.StageId).HasColumnName("stage_id");
            details.Property(d => d.OwnerId).HasColumnName("owner_id").HasMaxLength(OpportunityRequests.OwnerLength);
        });
    }
}

internal sealed class OpportunityStageChangeConfiguration : IEntityTypeConfiguration<OpportunityStageChange>
{
    public void Configure(EntityTypeBuilder<OpportunityStageChange> change)
    {
        change.ToTable("opportunity_stage_changes");
        change.HasKey(c => c.Id);
        change.Property(c => c.Id).ValueGeneratedNever();
        change.HasIndex(c => new { c.TenantId, c.OpportunityId, c.Id });
        change.Property(c => c.ChangedBy).HasMaxLength(OpportunityRequests.OwnerLength);
    }
}
