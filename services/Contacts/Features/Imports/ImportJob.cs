using System.Text.Json.Serialization;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.Imports;

/// <summary>
/// A CSV file of people being imported for a tenant. A worker holding the job's lease reads it chunk by chunk;
/// each chunk commits its people, their events and <see cref="NextRow"/> together, so a worker that stops is
/// followed by one that starts at the first row not yet committed.
/// </summary>
public sealed class ImportJob : IEntity, ITenantOwned
{
    /// <summary>Row errors kept per job; the count of every error goes on in <see cref="ErrorCount"/>.</summary>
    public const int MaxStoredErrors = 1000;

    /// <summary>After this many failed runs the job is given up as failed.</summary>
    public const int MaxAttempts = 3;

    private ImportJob()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public string FileName { get; private set; } = "";

    public ImportDedupe Dedupe { get; private set; }

    /// <summary>CSV column header → person field (a JSON name of <c>CreatePersonRequest</c>).</summary>
    public Dictionary<string, string> Mapping { get; private set; } = [];

    public ImportStatus Status { get; private set; }

    /// <summary>Data rows in the file (the header row not counted).</summary>
    public int Rows { get; private set; }

    /// <summary>How many data rows are committed: the next chunk starts at this 0-based data row.</summary>
    public int NextRow { get; private set; }

    public int Created { get; private set; }

    public int Updated { get; private set; }

    public int Skipped { get; private set; }

    public int Failed { get; private set; }

    /// <summary>Every row error found, also those past <see cref="MaxStoredErrors"/> that are not kept.</summary>
    public int ErrorCount { get; private set; }

    /// <summary>Why a failed job stopped; null otherwise.</summary>
    public string? Failure { get; private set; }

    public int Attempts { get; private set; }

    /// <summary>The worker that may commit chunks of this job until <see cref="LeaseExpiresAt"/>.</summary>
    public Guid? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseExpiresAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>Grows by one with every committed chunk.</summary>
    public long Version { get; private set; }

    public static ImportJob Queue(string tenantId, string fileName, ImportDedupe dedupe, Dictionary<string, string> mapping, int rows, DateTimeOffset now) => new()
    {
        Id = Ids.New(),
        TenantId = tenantId,
        FileName = fileName,
        Dedupe = dedupe,
        Mapping = mapping,
        Status = ImportStatus.Queued,
        Rows = rows,
        CreatedAt = now,
        UpdatedAt = now,
        Version = 1,
    };

    public bool IsHeldBy(Guid owner) => Status == ImportStatus.Running && LeaseOwner == owner;

    /// <summary>Records a committed chunk of <paramref name="rows"/> data rows and renews the lease.</summary>
    public void Advance(int rows, ImportTally tally, DateTimeOffset now, DateTimeOffset leaseExpiresAt)
    {
        NextRow += rows;
        Created += tally.Created;
        Updated += tally.Updated;
        Skipped += tally.Skipped;
        Failed += tally.Failed;
        ErrorCount += tally.Errors;
        LeaseExpiresAt = leaseExpiresAt;
        UpdatedAt = now;
        Version++;
    }

    /// <summary>How many more row errors may be kept.</summary>
    public int ErrorRoom => Math.Max(0, MaxStoredErrors - ErrorCount);

    /// <summary>
    /// Records a run that stopped on an error: the job is retried from its last committed chunk once
    /// <paramref name="retryAt"/> has passed, or fails for good after <see cref="MaxAttempts"/> runs.
    /// </summary>
    public void FailAttempt(string reason, DateTimeOffset now, DateTimeOffset retryAt)
    {
        Attempts++;
        LeaseOwner = null;
        LeaseExpiresAt = retryAt;
        if (Attempts >= MaxAttempts)
        {
            Status = ImportStatus.Failed;
            Failure = reason;
            CompletedAt = now;
            LeaseExpiresAt = null;
        }

        UpdatedAt = now;
        Version++;
    }

    public void Complete(DateTimeOffset now)
    {
        Status = ImportStatus.Completed;
        CompletedAt = now;
        LeaseOwner = null;
        LeaseExpiresAt = null;
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>What one chunk did, added to the job's counts when it commits.</summary>
public sealed record ImportTally(int Created, int Updated, int Skipped, int Failed, int Errors);

/// <summary>One reason a data row was not imported. <see cref="Row"/> counts the header as row 1, as a spreadsheet shows it.</summary>
public sealed class ImportRowError : ITenantOwned
{
    private ImportRowError()
    {
    }

    public long Id { get; private set; }

    public Guid JobId { get; private set; }

    public string TenantId { get; private set; } = "";

    public int Row { get; private set; }

    public string Field { get; private set; } = "";

    public string Message { get; private set; } = "";

    public static ImportRowError For(ImportJob job, int row, string field, string message) => new()
    {
        JobId = job.Id,
        TenantId = job.TenantId,
        Row = row,
        Field = field.Length > ImportConfiguration.FieldLength ? field[..ImportConfiguration.FieldLength] : field,
        Message = message.Length > ImportConfiguration.MessageLength ? message[..ImportConfiguration.MessageLength] : message,
    };
}

/// <summary>
/// The uploaded file, kept beside its job so that the job survives a restart, and removed when the job ends:
/// it holds personal data that the job's counts and errors do not need. Written and read as a stream, never
/// loaded through EF Core; mapped only so that migrations create its table.
/// </summary>
public sealed class ImportFile : ITenantOwned
{
    private ImportFile()
    {
    }

    public Guid JobId { get; private set; }

    public string TenantId { get; private set; } = "";

    public byte[] Content { get; private set; } = [];
}

public enum ImportStatus
{
    [JsonStringEnumMemberName("queued")]
    Queued,

    [JsonStringEnumMemberName("running")]
    Running,

    [JsonStringEnumMemberName("completed")]
    Completed,

    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>What a row does when a person of the tenant already has its email (ignoring case).</summary>
public enum ImportDedupe
{
    /// <summary>The row is skipped.</summary>
    [JsonStringEnumMemberName("skip")]
    Skip,

    /// <summary>The row's non-blank cells update that person.</summary>
    [JsonStringEnumMemberName("update")]
    Update,

    /// <summary>The row creates another person all the same.</summary>
    [JsonStringEnumMemberName("create")]
    Create,
}
