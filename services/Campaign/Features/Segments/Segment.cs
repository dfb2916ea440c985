using System.Text.Json.Serialization;
using CrmCloud.Campaign.Features.Audience;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Npgsql;
using NpgsqlTypes;

namespace CrmCloud.Campaign.Features.Segments;

/// <summary>
/// A saved group of people: dynamic (criteria evaluated in the database each time it is read or launched) or static
/// (a list of people added by hand).
/// </summary>
public sealed class Segment : VersionedResource<SegmentDetails>
{
    private Segment()
    {
    }

    public static Segment Create(string tenantId, Guid id, SegmentDetails details, DateTimeOffset now)
    {
        var created = new Segment();
        created.Initialize(tenantId, id, details, now);
        return created;
    }

    /// <summary>The tenant's live audience members in this segment, as a query the caller pages, counts or copies.</summary>
    public IQueryable<AudienceMember> Members(CampaignDb db, DateOnly today)
    {
        var (sql, parameters) = Condition(today);
        // The condition is SQL this service generated; every value in it is a parameter.
        var query = "SELECT * FROM audience_members m WHERE NOT m.is_deleted AND " + sql;
        return db.AudienceMembers.FromSqlRaw(query, [.. parameters]);
    }

    /// <summary>The segment as a SQL condition on audience member <c>m</c> with its parameters (fresh ones on every call).</summary>
    public (string Sql, IReadOnlyList<NpgsqlParameter> Parameters) Condition(DateOnly today)
    {
        if (Details.Kind == SegmentKind.Static)
        {
            return (
                "EXISTS (SELECT 1 FROM segment_list_members s WHERE s.tenant_id = m.tenant_id AND s.segment_id = @segment AND s.person_id = m.person_id)",
                [new NpgsqlParameter("segment", NpgsqlDbType.Uuid) { Value = Id }]);
        }

        var criteria = SegmentCriteria.Translate(System.Text.Json.JsonDocument.Parse(Details.Criteria!).RootElement, today, new FieldErrors())
            ?? throw new InvalidOperationException($"Segment {Id} holds criteria that no longer validate.");
        return (criteria.Sql, criteria.Parameters);
    }
}

/// <summary>What a caller says about a segment. <see cref="Criteria"/> is the criteria document as JSON text (dynamic only).</summary>
public sealed record SegmentDetails(string Name, string? Description, SegmentKind Kind, string? Criteria);

public enum SegmentKind
{
    [JsonStringEnumMemberName("dynamic")]
    Dynamic,

    [JsonStringEnumMemberName("static")]
    Static,
}

/// <summary>A person on a static segment's list.</summary>
public sealed class SegmentListMember : ITenantOwned
{
    private SegmentListMember()
    {
    }

    public string TenantId { get; private set; } = "";

    public Guid SegmentId { get; private set; }

    public Guid PersonId { get; private set; }

    public DateTimeOffset AddedAt { get; private set; }

    public static SegmentListMember Of(string tenantId, Guid segmentId, Guid personId, DateTimeOffset now) =>
        new() { TenantId = tenantId, SegmentId = segmentId, PersonId = personId, AddedAt = now };
}

internal sealed class SegmentConfiguration : IEntityTypeConfiguration<Segment>, IEntityTypeConfiguration<SegmentListMember>
{
    public void Configure(EntityTypeBuilder<Segment> segment)
    {
        segment.ToTable("segments");
        segment.HasKey(s => s.Id);
        segment.Property(s => s.Id).ValueGeneratedNever();
        segment.Property(s => s.Version).IsConcurrencyToken();
        segment.HasIndex(s => new { s.TenantId, s.Id });
        segment.ComplexProperty(s => s.Details, details =>
        {
            details.Property(d => d.Name).HasColumnName("name").HasMaxLength(SegmentRequests.NameLength);
            details.Property(d => d.Description).HasColumnName("description").HasMaxLength(SegmentRequests.DescriptionLength);
            details.Property(d => d.Kind).HasColumnName("kind").HasConversion(WireNames<SegmentKind>.Converter).HasMaxLength(16);
            details.Property(d => d.Criteria).HasColumnName("criteria").HasColumnType("jsonb");
        });
    }

    public void Configure(EntityTypeBuilder<SegmentListMember> member)
    {
        member.ToTable("segment_list_members");
        member.HasKey(m => new { m.TenantId, m.SegmentId, m.PersonId });
        member.HasOne<Segment>().WithMany().HasForeignKey(m => m.SegmentId).HasPrincipalKey(s => s.Id).OnDelete(DeleteBehavior.Cascade);
    }
}
