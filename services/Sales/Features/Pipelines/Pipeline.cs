using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Sales.Features.Pipelines;

/// <summary>
/// The ordered stages an opportunity moves through, each with the probability of winning from it. A tenant has
/// exactly one default pipeline: opportunities created without a pipeline go there.
/// </summary>
public sealed class Pipeline : VersionedResource<PipelineDetails>
{
    private Pipeline()
    {
    }

    public static Pipeline Create(string tenantId, Guid id, PipelineDetails details, DateTimeOffset now)
    {
        var created = new Pipeline();
        created.Initialize(tenantId, id, details, now);
        return created;
    }

    public PipelineStage? Stage(Guid stageId) => Details.Stages.FirstOrDefault(stage => stage.Id == stageId);
}

/// <summary>What a caller says about a pipeline; validated by <see cref="PipelineRequests"/>.</summary>
public sealed record PipelineDetails(string Name, bool IsDefault, PipelineStage[] Stages)
{
    /// <summary>Equal when every field is, stages compared in order (an array alone compares by reference).</summary>
    public bool Equals(PipelineDetails? other) =>
        other is not null && Name == other.Name && IsDefault == other.IsDefault && Stages.SequenceEqual(other.Stages);

    public override int GetHashCode() => HashCode.Combine(Name, IsDefault, Stages.Length);
}

/// <summary>A stage of a pipeline; <see cref="Probability"/> is the chance of winning from it, in percent (0 to 100).</summary>
public sealed record PipelineStage(Guid Id, string Name, int Probability);

/// <remarks>
/// Stages are jsonb (<see cref="JsonColumn{T}"/>): read and replaced with the pipeline. One default per tenant is
/// kept by a partial unique index the migration creates, since EF Core cannot index a complex type's columns.
/// </remarks>
internal sealed class PipelineConfiguration : IEntityTypeConfiguration<Pipeline>
{
    public void Configure(EntityTypeBuilder<Pipeline> pipeline)
    {
        pipeline.ToTable("pipelines");
        pipeline.HasKey(p => p.Id);
        pipeline.Property(p => p.Id).ValueGeneratedNever();
        pipeline.Property(p => p.Version).IsConcurrencyToken();
        pipeline.HasIndex(p => new { p.TenantId, p.Id });
        pipeline.ComplexProperty(p => p.Details, details =>
        {
            details.Property(d => d.Name).HasColumnName("name").HasMaxLength(PipelineRequests.NameLength);
            details.Property(d => d.IsDefault).HasColumnName("is_default");
            details.Property(d => d.Stages).HasColumnName("stages").HasColumnType("jsonb")
                .HasConversion(JsonColumn<PipelineStage[]>.Converter, JsonColumn<PipelineStage[]>.Comparer);
        });
    }
}
