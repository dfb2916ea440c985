using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CrmCloud.Contacts.Features.Search;

/// <summary>How the vocabulary sweep runs (configuration section <c>Search</c>).</summary>
public sealed class SearchOptions
{
    /// <summary>How often the sweep looks for words that somebody stopped bearing.</summary>
    public TimeSpan VocabularySweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a round waits for the transactions that were running when it removed words.</summary>
    public TimeSpan VocabularySweepWait { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Removes from the tenants' vocabularies the words that nobody bears any more (queued in <c>search_word_checks</c>
/// by the triggers on <c>people</c>), so an erased person's words leave with them. Creating a person adds a word
/// that already exists without locking it, so a transaction still running may have just added a bearer of a word
/// this round removes: each round therefore waits until every transaction running at its removal has ended, then
/// puts back each removed word that has a bearer, and only then drops the checks it handled. A round cut short
/// (a restart, a transaction outliving the wait) leaves its checks queued, and the next round repeats it.
/// </summary>
public sealed partial class SearchWordSweep(IServiceScopeFactory scopes, IOptions<SearchOptions> options, ILogger<SearchWordSweep> logger)
    : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.VocabularySweepInterval);
        try
        {
            do
            {
                await SweepQueueAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepQueueAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ContactsDb>();
            int taken;
            do
            {
                taken = await SweepAsync(db, options.Value.VocabularySweepWait, stoppingToken);
            }
            while (taken == BatchSize);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            LogSweepFailed(logger, exception);
        }
    }

    /// <summary>One round over up to <see cref="BatchSize"/> queued words; returns how many it took.</summary>
    private static async Task<int> SweepAsync(ContactsDb db, TimeSpan wait, CancellationToken cancellationToken)
    {
        var checks = await db.Database
            .SqlQueryRaw<QueuedCheck>($"SELECT tenant_id, word, queued_at FROM search_word_checks ORDER BY queued_at LIMIT {BatchSize}")
            .ToListAsync(cancellationToken);
        if (checks.Count == 0)
        {
            return 0;
        }

        NpgsqlParameter[] Words() =>
        [
            new("tenants", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = checks.Select(c => c.TenantId).ToArray() },
            new("words", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = checks.Select(c => c.Word).ToArray() },
        ];

        await db.Database.ExecuteSqlRawAsync(
            """
            DELETE FROM search_words AS w USING unnest(@tenants, @words) AS c(tenant_id, word)
            WHERE w.tenant_id = c.tenant_id AND w.word = c.word
              AND NOT EXISTS (SELECT 1 FROM person_words AS p WHERE p.tenant_id = w.tenant_id AND p.word = w.word)
            """,
            Words(),
            cancellationToken);
        var settled = await RunningTransactionsEndedAsync(db, wait, cancellationToken);
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO search_words (tenant_id, word)
            SELECT c.tenant_id, c.word FROM unnest(@tenants, @words) AS c(tenant_id, word)
            WHERE EXISTS (SELECT 1 FROM person_words AS p WHERE p.tenant_id = c.tenant_id AND p.word = c.word)
            ORDER BY 1, 2
            ON CONFLICT DO NOTHING
            """,
            Words(),
            cancellationToken);
        if (settled)
        {
            // A word queued again since this round read it keeps its newer check for the next round.
            await db.Database.ExecuteSqlRawAsync(
                """
                DELETE FROM search_word_checks AS k USING unnest(@tenants, @words, @queued) AS c(tenant_id, word, queued_at)
                WHERE k.tenant_id = c.tenant_id AND k.word = c.word AND k.queued_at = c.queued_at
                """,
                [
                    .. Words(),
                    new NpgsqlParameter("queued", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = checks.Select(c => c.QueuedAt).ToArray() },
                ],
                cancellationToken);
        }

        return checks.Count;
    }

    /// <summary>Waits until every transaction running now has committed or rolled back; false when the wait ran out.</summary>
    private static async Task<bool> RunningTransactionsEndedAsync(ContactsDb db, TimeSpan wait, CancellationToken cancellationToken)
    {
        var snapshot = (await db.Database.SqlQueryRaw<string>("SELECT pg_current_snapshot()::text AS \"Value\"").ToListAsync(cancellationToken))[0];
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var running = await db.Database.SqlQueryRaw<bool>(
                    """
                    SELECT EXISTS (
                        SELECT 1 FROM pg_snapshot_xip(@snapshot::pg_snapshot) AS x WHERE pg_xact_status(x) = 'in progress') AS "Value"
                    """,
                    new NpgsqlParameter("snapshot", NpgsqlDbType.Text) { Value = snapshot })
                .ToListAsync(cancellationToken);
            if (!running[0])
            {
                return true;
            }

            if (clock.Elapsed > wait)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    private sealed record QueuedCheck(string TenantId, string Word, DateTimeOffset QueuedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The vocabulary sweep failed; it runs again at its next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}

public static class SearchExtensions
{
    /// <summary>The vocabulary sweep that keeps people's search words free of words nobody bears.</summary>
    public static IHostApplicationBuilder AddSearch(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<SearchOptions>(builder.Configuration.GetSection("Search"));
        builder.Services.AddHostedService<SearchWordSweep>();
        return builder;
    }
}
