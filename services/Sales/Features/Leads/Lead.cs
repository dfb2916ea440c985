using System.Text.Json.Serialization;
using CrmCloud.Contracts.Sales;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Leads;

/// <summary>
/// Someone who may become a customer, as captured: by a web form, an import, a partner, a campaign or by hand.
/// Callers edit the details while the lead is worked on; converting it asks contacts for the person and company
/// (<see cref="Convert"/>), and contacts' answer completes the conversion (<see cref="CompleteConversion"/>).
/// </summary>
public sealed class Lead : VersionedResource<LeadDetails>
{
    private Lead()
    {
    }

    /// <summary>The lead form it came through, for duplicate suppression per form; null for other sources.</summary>
    public Guid? FormId { get; private set; }

    /// <summary>The conversion, from the moment it was asked for; null while the lead has not been converted.</summary>
    public LeadConversion? Conversion { get; private set; }

    public static Lead Create(string tenantId, Guid id, LeadDetails details, Guid? formId, DateTimeOffset now)
    {
        var created = new Lead { FormId = formId };
        created.Initialize(tenantId, id, details, now);
        return created;
    }

    public LeadCreated Created()
    {
        var d = Details;
        return new LeadCreated(TenantId, Id, d.FirstName, d.LastName, d.Email, d.Phone, d.CompanyName, WireNames<LeadSource>.Of(d.Source), d.CampaignId, d.OwnerId, CreatedAt);
    }

    /// <summary>
    /// Asks for the conversion: proposes the ids contacts is to create the person (and company) with, and keeps the
    /// opportunity to create once contacts has answered.
    /// </summary>
    /// <returns>The event to publish, or null when the lead has been converted (or asked to be) already.</returns>
    public LeadConverted? Convert(LeadOpportunity? opportunity, string requestedBy, DateTimeOffset now)
    {
        if (Conversion is not null)
        {
            return null;
        }

        var d = Details;
        Conversion = new LeadConversion(now, requestedBy, Ids.New(), d.CompanyName is null ? null : Ids.New(), opportunity);
        Touch(now);
        return new LeadConverted(
            TenantId, Id, Conversion.ProposedPersonId, Conversion.ProposedCompanyId, d.FirstName, d.LastName, d.Email, d.Phone, d.CompanyName,
            WireNames<LeadSource>.Of(d.Source), d.OwnerId, now);
    }

    /// <summary>Contacts resolved the person (and company): the lead is converted.</summary>
    /// <returns>False when the conversion was completed already (or never asked for): nothing changes.</returns>
    public bool CompleteConversion(Guid personId, Guid? companyId, Guid? opportunityId, DateTimeOffset now)
    {
        if (Conversion is not { CompletedAt: null } pending)
        {
            return false;
        }

        Conversion = pending with { PersonId = personId, CompanyId = companyId, OpportunityId = opportunityId, CompletedAt = now };
        Change(Details with { Status = LeadStatus.Converted, DisqualifiedReason = null }, now);
        return true;
    }
}

/// <summary>
/// What a caller says about a lead, validated by <see cref="LeadRequests"/>. <see cref="Score"/> is 0 to 100;
/// <see cref="CampaignId"/> names the campaign the lead came from (required when the source is a campaign);
/// <see cref="DisqualifiedReason"/> is set exactly when the status is disqualified.
/// </summary>
public sealed record LeadDetails(
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? CompanyName,
    string? JobTitle,
    string? Message,
    LeadSource Source,
    Guid? CampaignId,
    LeadStatus Status,
    string? DisqualifiedReason,
    int Score,
    string? OwnerId);

/// <summary>Where a lead came from; the same names are an opportunity's source, so win rates can be told by source.</summary>
public enum LeadSource
{
    [JsonStringEnumMemberName("manual")]
    Manual,

    [JsonStringEnumMemberName("web-form")]
    WebForm,

    [JsonStringEnumMemberName("import")]
    Import,

    [JsonStringEnumMemberName("partner")]
    Partner,

    [JsonStringEnumMemberName("campaign")]
    Campaign,
}

public enum LeadStatus
{
    [JsonStringEnumMemberName("new")]
    New,

    [JsonStringEnumMemberName("working")]
    Working,

    [JsonStringEnumMemberName("qualified")]
    Qualified,

    [JsonStringEnumMemberName("disqualified")]
    Disqualified,

    /// <summary>Reached only through the convert action, once contacts has answered.</summary>
    [JsonStringEnumMemberName("converted")]
    Converted,
}

/// <summary>
/// A conversion: asked for at <see cref="RequestedAt"/> by <see cref="RequestedBy"/> with the ids proposed to contacts,
/// completed at <see cref="CompletedAt"/> with the person (and company) contacts resolved and the opportunity created.
/// </summary>
public sealed record LeadConversion(
    DateTimeOffset RequestedAt,
    string RequestedBy,
    Guid ProposedPersonId,
    Guid? ProposedCompanyId,
    LeadOpportunity? Opportunity,
    Guid? PersonId = null,
    Guid? CompanyId = null,
    Guid? OpportunityId = null,
    DateTimeOffset? CompletedAt = null);

/// <summary>The opportunity a conversion creates, resolved when the conversion is asked for (pipeline and stage defaults applied).</summary>
public sealed record LeadOpportunity(
    string Name,
    decimal Amount,
    string Currency,
    DateOnly? ExpectedCloseDate,
    Guid PipelineId,
    Guid StageId,
    string OwnerId);

/// <remarks>
/// The conversion is jsonb (<see cref="JsonColumn{T}"/>): it is read and written with the lead. The index on the
/// lower-cased email per form, for duplicate suppression of web-form captures, is created by the migration since
/// EF Core cannot index an expression.
/// </remarks>
internal sealed class LeadConfiguration : IEntityTypeConfiguration<Lead>
{
    public void Configure(EntityTypeBuilder<Lead> lead)
    {
        lead.ToTable("leads");
        lead.HasKey(l => l.Id);
        lead.Property(l => l.Id).ValueGeneratedNever();
        lead.Property(l => l.Version).IsConcurrencyToken();
        lead.HasIndex(l => new { l.TenantId, l.Id });
        lead.Property(l => l.Conversion).HasColumnName("conversion").HasColumnType("jsonb")
            .HasConversion(JsonColumn<LeadConversion?>.Converter, JsonColumn<LeadConversion?>.Comparer);
        lead.ComplexProperty(l => l.Details, details =>
        {
            details.Property(d => d.FirstName).HasColumnName("first_name").HasMaxLength(LeadRequests.NameLength);
            details.Property(d => d.LastName).HasColumnName("last_name").HasMaxLength(LeadRequests.NameLength);
            details.Property(d => d.Email).HasColumnName("email").HasMaxLength(254);
            details.Property(d => d.Phone).HasColumnName("phone").HasMaxLength(32);
            details.Property(d => d.CompanyName).HasColumnName("company_name").HasMaxLength(LeadRequests.NameLength);
            details.Property(d => d.JobTitle).HasColumnName("job_title").HasMaxLength(LeadRequests.NameLength);
            details.Property(d => d.Message).HasColumnName("message").HasMaxLength(LeadRequests.MessageLength);
            details.Property(d => d.Source).HasColumnName("source").HasMaxLength(16).HasConversion(WireNames<LeadSource>.Converter);
            details.Property(d => d.CampaignId).HasColumnName("campaign_id");
            details.Property(d => d.Status).HasColumnName("status").HasMaxLength(16).HasConversion(WireNames<LeadStatus>.Converter);
            details.Property(d => d.DisqualifiedReason).HasColumnName("disqualified_reason").HasMaxLength(LeadRequests.ReasonLength);
            details.Property(d => d.Score).HasColumnName("score");
            details.Property(d => d.OwnerId).HasColumnName("owner_id").HasMaxLength(LeadRequests.OwnerLength);
        });
    }
}
