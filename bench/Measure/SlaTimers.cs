using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace CrmCloud.Bench;

/// <summary>
/// How many open tickets with live SLA timers fire their breach on time. Through the gateway: a requester (a person in
/// contacts, waited for in support), a business calendar that opens for the day a few minutes ahead, a one-minute
/// first-response target in it for a tier of its own, and a contract giving a company that tier. Then N tickets of that
/// company, opened while the calendar is still closed, so all N first responses fall due at the same instant: one minute
/// after it opens, the hardest case for the timers. After that instant, reads from support's database when each
/// SlaBreached was committed (its alarm) and when the broker confirmed it (its outbox row), and prints how many were
/// published within one second of their due time and the lateness percentiles.
/// </summary>
internal static class SlaTimers
{
    private const string Breached = "CrmCloud.Contracts.Support.SlaBreached";

    public static async Task<int> RunAsync(string gateway, string token, string connection, int count, int concurrency)
    {
        using var client = new HttpClient { BaseAddress = new Uri(gateway), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var run = Guid.NewGuid().ToString("N")[..8];
        var requester = await RequesterAsync(client, run);

        // A warm-up without an SLA measures how fast tickets open, to place the opening after the last of the N.
        var warmup = Math.Min(200, count);
        var clock = Stopwatch.StartNew();
        await OpenAsync(client, warmup, concurrency, _ => new { subject = $"Warm-up {run}", requesterPersonId = requester });
        var perSecond = warmup / clock.Elapsed.TotalSeconds;
        var now = DateTimeOffset.UtcNow;
        // Twice the warm-up's time, as the SLA timers and the consumers of TicketOpened work beside the openings.
        var opening = now.AddSeconds((count / perSecond * 2) + 60);
        opening = new DateTimeOffset(opening.Year, opening.Month, opening.Day, opening.Hour, opening.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        if (opening.Date != now.Date || opening.TimeOfDay > TimeSpan.FromHours(23.9))
        {
            Console.Error.WriteLine($"opening {count} tickets takes until {opening:HH:mm} UTC, past today's last hour: run earlier in the day or with fewer tickets");
            return 1;
        }

        var tier = $"bench-{run}";
        var calendar = await Measurement.PostAsync(client, "/api/v1/business-calendars", new
        {
            name = $"Bench {run}",
            timeZone = "UTC",
            workingHours = new[] { new { day = now.DayOfWeek.ToString().ToLowerInvariant(), start = opening.ToString("HH:mm", CultureInfo.InvariantCulture), end = "24:00" } },
        });
        await Measurement.PostAsync(client, "/api/v1/sla-policies", new
        {
            name = $"Bench {run}",
            tier,
            calendarId = calendar.GetProperty("id").GetGuid(),
            targets = new[] { new { priority = "normal", firstResponseMinutes = 1, resolutionMinutes = 10_000 } },
        });
        var company = Guid.CreateVersion7();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await Measurement.PostAsync(client, "/api/v1/service-contracts", new { name = $"Bench {run}", companyId = company, tier, validFrom = Day(today.AddDays(-1)), validUntil = Day(today.AddDays(1)) });

        clock.Restart();
        var tickets = await OpenAsync(client, count, concurrency, index => new { subject = $"Bench {run} #{index}", requesterPersonId = requester, companyId = company });
        var due = opening.AddMinutes(1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sla-timers: {tickets.Count} tickets opened in {clock.Elapsed.TotalSeconds:0} s ({tickets.Count / clock.Elapsed.TotalSeconds:0}/s, warm-up {perSecond:0}/s), all due at {due:HH:mm:ss} UTC"));
        if (DateTimeOffset.UtcNow >= opening)
        {
            Console.Error.WriteLine("the tickets took longer to open than the warm-up promised: the calendar opened before the last of them");
            return 1;
        }

        await using var database = NpgsqlDataSource.Create(connection);
        var ids = tickets.ToArray();
        var deadline = due.AddMinutes(10);
        long published;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            published = await CountPublishedAsync(database, ids);
        }
        while (published < ids.Length && DateTimeOffset.UtcNow < deadline);

        var (committed, sent) = await LatenessAsync(database, ids);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {sent.Count} of {ids.Length} breaches published; within 1 s of due: {sent.Count(s => s <= 1000)} published, {committed.Count(c => c <= 1000)} committed"));
        Console.WriteLine(Lateness("committed (alarm row)", committed));
        Console.WriteLine(Lateness("published (broker ack)", sent));
        return sent.Count == ids.Length ? 0 : 1;
    }

    private static async Task<Guid> RequesterAsync(HttpClient client, string run)
    {
        var person = (await Measurement.PostAsync(client, "/api/v1/people", new { firstName = "Bench", lastName = $"Requester {run}", email = $"requester-{run}@example.com" })).GetProperty("id").GetGuid();
        var waited = Stopwatch.StartNew();
        while ((await client.GetFromJsonAsync<JsonElement>($"/api/v1/requesters?personId={person}")).GetProperty("items").GetArrayLength() == 0)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException("the requester did not reach support within 60 s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        return person;
    }

    private static async Task<List<Guid>> OpenAsync(HttpClient client, int count, int concurrency, Func<int, object> ticket)
    {
        var opened = new List<Guid>(count);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var index && index < count)
            {
                var id = (await Measurement.PostAsync(client, "/api/v1/tickets", ticket(index))).GetProperty("id").GetGuid();
                lock (opened)
                {
                    opened.Add(id);
                }
            }
        })));
        return opened;
    }

    private static async Task<long> CountPublishedAsync(NpgsqlDataSource database, Guid[] tickets)
    {
        await using var command = database.CreateCommand(
            "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND sent_at IS NOT NULL AND (payload->>'ticketId')::uuid = ANY($2)");
        command.Parameters.Add(new NpgsqlParameter { Value = Breached });
        command.Parameters.Add(new NpgsqlParameter { Value = tickets });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Milliseconds from due to the alarm's commit time (its round's clock) and to the broker's confirmation, per breach.</summary>
    private static async Task<(List<double> Committed, List<double> Sent)> LatenessAsync(NpgsqlDataSource database, Guid[] tickets)
    {
        await using var command = database.CreateCommand(
            """
            SELECT extract(epoch FROM a.fired_at - a.due_at) * 1000, extract(epoch FROM o.sent_at - a.due_at) * 1000
            FROM sla_alarms a
            LEFT JOIN outbox_messages o ON o.message_type = $1 AND (o.payload->>'ticketId')::uuid = a.ticket_id AND o.payload->>'target' = a.target
            WHERE a.kind = 'breach' AND a.target = 'first-response' AND a.ticket_id = ANY($2)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Breached });
        command.Parameters.Add(new NpgsqlParameter { Value = tickets });
        var (committed, sent) = (new List<double>(), new List<double>());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            committed.Add((double)reader.GetDecimal(0));
            if (!reader.IsDBNull(1))
            {
                sent.Add((double)reader.GetDecimal(1));
            }
        }

        return (committed, sent);
    }

    private static string Lateness(string what, List<double> milliseconds)
    {
        milliseconds.Sort();
        double At(double p) => Measurement.Percentile(milliseconds, p);
        return string.Create(CultureInfo.InvariantCulture, $"  lateness {what,-24} n={milliseconds.Count,6}  p50 {At(0.5),8:0} ms  p99 {At(0.99),8:0} ms  max {At(1),8:0} ms");
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
