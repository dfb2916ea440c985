using System.Data;
using System.Text.Json;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CrmCloud.Contacts.Features.Imports;

/// <summary>Another worker holds the job now (its lease ran out), or the job moved on: this run must stop.</summary>
public sealed class ImportLeaseLostException(Guid jobId) : Exception($"The lease on import {jobId} is no longer held.");

/// <summary>
/// One worker's run of a job it has claimed: its file streamed from the database (never loaded whole), positioned
/// after the rows already committed, and read a chunk at a time. Each chunk commits in one transaction with the
/// job locked, its lease checked and its progress advanced, so a chunk is committed once or not at all.
/// </summary>
public sealed class ImportRun : IAsyncDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly ImportOptions _options;
    private readonly Guid _owner;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlDataReader _content;
    private readonly ImportCsv _csv;
    private readonly ImportMapping _mapping;
    private int _nextRow;

    private ImportRun(
        IServiceScopeFactory scopes, ImportOptions options, ImportJob job, Guid owner,
        NpgsqlConnection connection, NpgsqlDataReader content, ImportCsv csv, ImportMapping mapping)
    {
        _scopes = scopes;
        _options = options;
        JobId = job.Id;
        TenantId = job.TenantId;
        _owner = owner;
        _connection = connection;
        _content = content;
        _csv = csv;
        _mapping = mapping;
        _nextRow = job.NextRow;
    }

    public Guid JobId { get; }

    public string TenantId { get; }

    /// <summary>
    /// Claims the oldest job that is queued, or running under a lease that has run out (its worker stopped),
    /// for <paramref name="owner"/>. <c>SKIP LOCKED</c> lets workers of several instances claim side by side.
    /// </summary>
    public static async Task<Guid?> ClaimAsync(IServiceScopeFactory scopes, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContactsDb>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var expires = now + lease;
        var claimed = await db.Database.SqlQuery<Guid>($"""
            UPDATE import_jobs SET status = 'running', lease_owner = {owner}, lease_expires_at = {expires}
            WHERE id = (
                SELECT id FROM import_jobs
                WHERE status IN ('queued', 'running') AND (lease_expires_at IS NULL OR lease_expires_at < {now})
                ORDER BY id
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
        return claimed.Count == 0 ? null : claimed[0];
    }

    /// <summary>Opens the file of a job that <paramref name="owner"/> has claimed and skips the rows already committed.</summary>
    public static async Task<ImportRun> OpenAsync(IServiceProvider services, Guid jobId, Guid owner, CancellationToken cancellationToken)
    {
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var options = services.GetRequiredService<IOptions<ImportOptions>>().Value;
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        ImportJob job;
        string connectionString;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ContactsDb>();
            job = await db.ImportJobs.IgnoreQueryFilters().AsNoTracking().FirstAsync(j => j.Id == jobId, cancellationToken);
            connectionString = db.Database.GetConnectionString()!;
        }

        if (!job.IsHeldBy(owner))
        {
            throw new ImportLeaseLostException(jobId);
        }

        // A connection of its own, reading the file while each chunk commits on another.
        var connection = new NpgsqlConnection(connectionString);
        NpgsqlDataReader? content = null;
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT content FROM import_files WHERE job_id = $1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = jobId });
            content = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            if (!await content.ReadAsync(cancellationToken))
            {
                throw new ImportFileException("The file of the import is no longer stored.");
            }

            var csv = await ImportCsv.OpenAsync(content.GetStream(0), cancellationToken);
            await csv.SkipAsync(job.NextRow, cancellationToken);
            return new ImportRun(scopes, options, job, owner, connection, content, csv, ImportMapping.For(csv.Header, job.Mapping, json));
        }
        catch
        {
            if (content is not null)
            {
                await content.DisposeAsync();
            }

            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads and commits the next chunk; false once the job is completed.</summary>
    /// <exception cref="ImportLeaseLostException">The job is no longer this worker's: nothing was committed.</exception>
    public async Task<bool> RunChunkAsync(CancellationToken cancellationToken)
    {
        var rows = new List<ImportRow>(_options.ChunkSize);
        while (rows.Count < _options.ChunkSize && await _csv.ReadAsync(cancellationToken) is { } row)
        {
            rows.Add(row);
        }

        var endOfFile = rows.Count < _options.ChunkSize;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CommitAsync(rows, endOfFile, cancellationToken);
                _nextRow += rows.Count;
                return !endOfFile;
            }
            catch (DbUpdateException exception) when (exception.IsUniqueViolation() && attempt < 3)
            {
                // An id of the chunk was stored by someone else after it was checked: the next attempt sees it as taken.
            }
        }
    }

    /// <summary>
    /// Gives the job up on an error: retried by any worker after a pause, from its last committed chunk, until
    /// <see cref="ImportJob.MaxAttempts"/> runs have failed. The file goes with a job that fails for good.
    /// </summary>
    public static async Task FailAttemptAsync(IServiceScopeFactory scopes, Guid jobId, Guid owner, string reason, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContactsDb>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await LockAsync(scope, db, jobId, cancellationToken) is not { } job || !job.IsHeldBy(owner))
        {
            return;
        }

        job.FailAttempt(reason, now, now + TimeSpan.FromSeconds(10 * (job.Attempts + 1)));
        if (job.Status == ImportStatus.Failed)
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM import_files WHERE job_id = {jobId}", cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Lets another worker (or this service after a restart) take the job over at once.</summary>
    public static async Task ReleaseAsync(IServiceScopeFactory scopes, Guid jobId, Guid owner, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContactsDb>();
        await db.Database.ExecuteSqlAsync(
            $"UPDATE import_jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = {jobId} AND lease_owner = {owner}",
            cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _csv.DisposeAsync();
        await _content.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private async Task CommitAsync(List<ImportRow> rows, bool endOfFile, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContactsDb>();
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var json = scope.ServiceProvider.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await LockAsync(scope, db, JobId, cancellationToken) is not { } job || !job.IsHeldBy(_owner) || job.NextRow != _nextRow)
        {
            throw new ImportLeaseLostException(JobId);
        }

        var chunk = new ImportChunk(db, time, json);
        var tally = await chunk.ApplyAsync(job, rows, _mapping, cancellationToken);
        foreach (var (row, field, message) in chunk.Errors.Take(job.ErrorRoom))
        {
            db.ImportRowErrors.Add(ImportRowError.For(job, row, field, message));
        }

        var now = time.GetUtcNow();
        job.Advance(rows.Count, tally, now, now + _options.Lease);
        if (endOfFile)
        {
            job.Complete(now);
            await db.Database.ExecuteSqlAsync($"DELETE FROM import_files WHERE job_id = {JobId}", cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The job, locked for this transaction, with the scope acting for its tenant.</summary>
    private static async Task<ImportJob?> LockAsync(AsyncServiceScope scope, ContactsDb db, Guid jobId, CancellationToken cancellationToken)
    {
        var tenantId = await db.Database
            .SqlQuery<string>($"""SELECT tenant_id AS "Value" FROM import_jobs WHERE id = {jobId} FOR UPDATE""")
            .ToListAsync(cancellationToken);
        if (tenantId.Count == 0)
        {
            return null;
        }

        scope.ServiceProvider.GetRequiredService<TenantContext>().Use(tenantId[0]);
        return await db.ImportJobs.FirstAsync(j => j.Id == jobId, cancellationToken);
    }
}
