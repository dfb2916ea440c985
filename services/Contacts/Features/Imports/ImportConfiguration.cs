using System.Text.Json;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Contacts.Features.Imports;

/// <summary>
/// <c>import_jobs</c>, their kept row errors and their files. Files and errors key to the job with ON DELETE
/// CASCADE. The partial index on claimable jobs serves the workers' claim, which runs on every poll.
/// </summary>
internal sealed class ImportConfiguration :
    IEntityTypeConfiguration<ImportJob>, IEntityTypeConfiguration<ImportRowError>, IEntityTypeConfiguration<ImportFile>
{
    public const int FieldLength = 100;
    public const int MessageLength = 500;

    public void Configure(EntityTypeBuilder<ImportJob> job)
    {
        job.ToTable("import_jobs");
        job.HasKey(j => j.Id);
        job.Property(j => j.Id).ValueGeneratedNever();
        job.HasIndex(j => new { j.TenantId, j.Id });
        job.HasIndex(j => j.Id).HasFilter("status IN ('queued', 'running')").HasDatabaseName("ix_import_jobs_claimable");
        job.Property(j => j.FileName).HasMaxLength(255);
        job.Property(j => j.Status).HasMaxLength(16).HasConversion(WireNames<ImportStatus>.Converter);
        job.Property(j => j.Dedupe).HasMaxLength(16).HasConversion(WireNames<ImportDedupe>.Converter);
        job.Property(j => j.Failure).HasMaxLength(MessageLength);
        job.Property(j => j.Mapping)
            .HasColumnType("jsonb")
            .HasConversion(
                mapping => JsonSerializer.Serialize(mapping, JsonSerializerOptions.Default),
                json => JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Default) ?? new Dictionary<string, string>(),
                new ValueComparer<Dictionary<string, string>>(
                    (left, right) => left!.Count == right!.Count && !left.Except(right).Any(),
                    mapping => mapping.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
                    mapping => new Dictionary<string, string>(mapping)));
    }

    public void Configure(EntityTypeBuilder<ImportRowError> error)
    {
        error.ToTable("import_row_errors");
        error.HasKey(e => e.Id);
        error.Property(e => e.Id).UseIdentityAlwaysColumn();
        error.HasIndex(e => new { e.JobId, e.Row });
        error.Property(e => e.Field).HasMaxLength(FieldLength);
        error.Property(e => e.Message).HasMaxLength(MessageLength);
        error.HasOne<ImportJob>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ImportFile> file)
    {
        file.ToTable("import_files");
        file.HasKey(f => f.JobId);
        file.HasOne<ImportJob>().WithOne().HasForeignKey<ImportFile>(f => f.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
