using CrmCloud.Platform.Data;
using Microsoft.Extensions.Options;

namespace CrmCloud.Contacts.Features.Imports;

/// <summary>How imports run (configuration section <c>Imports</c>).</summary>
public sealed class ImportOptions
{
    /// <summary>False leaves queued jobs alone in this process (another instance, or a test, runs them).</summary>
    public bool Worker { get; set; } = true;

    /// <summary>Rows committed per transaction: a restart repeats at most this much reading, never a commit.</summary>
    public int ChunkSize { get; set; } = 500;

    /// <summary>How long a job stays with a worker that stopped committing before another may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Runs queued imports in the background, one job at a time per instance: claims a job, commits it chunk by chunk,
/// and polls for the next. Stopping mid-chunk loses only that chunk's uncommitted work; the lease is released so
/// that the next start (or another instance) resumes at once.
/// </summary>
public sealed partial class ImportWorker(
    IServiceProvider services,
    IServiceScopeFactory scopes,
    IOptions<ImportOptions> options,
    ILogger<ImportWorker> logger) : BackgroundService
{
    /// <summary>This instance's name on the leases it takes.</summary>
    public Guid Owner { get; } = Ids.New();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Guid? jobId = null;
            try
            {
                jobId = await ImportRun.ClaimAsync(scopes, Owner, options.Value.Lease, stoppingToken);
                if (jobId is { } claimed)
                {
                    await RunAsync(claimed, stoppingToken);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                if (jobId is { } stopped)
                {
                    await ImportRun.ReleaseAsync(scopes, stopped, Owner, CancellationToken.None);
                }

                return;
            }
            catch (Exception exception)
            {
                LogClaimFailed(logger, exception);
            }

            try
            {
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunAsync(Guid jobId, CancellationToken stoppingToken)
    {
        try
        {
            await using var run = await ImportRun.OpenAsync(services, jobId, Owner, stoppingToken);
            LogRunning(logger, jobId, run.TenantId);
            while (await run.RunChunkAsync(stoppingToken))
            {
            }

            LogCompleted(logger, jobId);
        }
        catch (ImportLeaseLostException)
        {
            LogLeaseLost(logger, jobId);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogRunFailed(logger, exception, jobId);
            var reason = exception is ImportFileException ? exception.Message : "The import stopped on an unexpected error.";
            await ImportRun.FailAttemptAsync(scopes, jobId, Owner, reason, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {JobId} of tenant {TenantId} running")]
    private static partial void LogRunning(ILogger logger, Guid jobId, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {JobId} completed")]
    private static partial void LogCompleted(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {JobId} was taken over by another worker; this run stopped")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {JobId} stopped on an error; it will be retried from its last committed chunk")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming an import failed")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);
}

public static class ImportExtensions
{
    public static IHostApplicationBuilder AddImports(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Imports");
        builder.Services.Configure<ImportOptions>(section);
        if (section.GetValue(nameof(ImportOptions.Worker), defaultValue: true))
        {
            builder.Services.AddHostedService<ImportWorker>();
        }

        return builder;
    }
}
