using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace CrmCloud.Faults;

/// <summary>What became of one write the driver sent.</summary>
internal enum Outcome
{
    /// <summary>2xx: the write must exist exactly once, with every effect.</summary>
    Accepted,

    /// <summary>4xx: refused; nothing may exist.</summary>
    Refused,

    /// <summary>5xx: it may have happened wholly or not at all, never in part.</summary>
    Failed,

    /// <summary>No answer in time: as a 5xx.</summary>
    TimedOut,
}

internal enum WriteKind
{
    PersonCreated,
    PersonRenamed,
    OrderPlaced,
    TicketOpened,
    PaymentReceived,
}

/// <summary>One write: the id the driver chose for it (or the person it renamed) and, for a rename, the name sent.</summary>
internal sealed record Write(WriteKind Kind, Guid Id, string? Value, string Window, Outcome Outcome, int Status, DateTimeOffset SentAt);

/// <summary>
/// A steady mixed load through the gateway: people created and renamed, orders placed, tickets opened, payments recorded,
/// at a fixed rate with a bound on writes in flight. Every write carries an id the driver chose, so that a write without a
/// 2xx can still be looked for. Renames of one person never overlap, so the last accepted name is the one to expect.
/// </summary>
internal sealed class LoadDriver(HttpClient gateway, Baseline baseline, int writesPerSecond)
{
    public const int MostInFlight = 48;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<Write> writes = new();
    private readonly ConcurrentDictionary<Guid, byte> peopleCreated = new();
    private readonly ConcurrentDictionary<Guid, byte> peopleBeingRenamed = new();
    private int inFlight;
    private int sequence;

    public IReadOnlyCollection<Write> Writes => writes;

    /// <summary>Writes the driver skipped because too many were in flight (the system was too slow to answer).</summary>
    public int Skipped { get; private set; }

    /// <summary>Sends writes at the rate until <paramref name="stop"/>, then waits for the ones in flight.</summary>
    public async Task RunAsync(string window, CancellationToken stop)
    {
        var pending = new List<Task>();
        var interval = TimeSpan.FromSeconds(1.0 / writesPerSecond);
        var clock = Stopwatch.StartNew();
        for (var tick = 0L; !stop.IsCancellationRequested; tick++)
        {
            var due = interval * tick - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (Volatile.Read(ref inFlight) >= MostInFlight)
            {
                Skipped++;
                continue;
            }

            Interlocked.Increment(ref inFlight);
            pending.Add(SendOneAsync(window, tick));
            pending.RemoveAll(task => task.IsCompleted);
        }

        await Task.WhenAll(pending);
    }

    private async Task SendOneAsync(string window, long tick)
    {
        try
        {
            // Of every 20 writes: 6 new people, 4 renames, 4 orders, 3 tickets, 3 payments.
            var write = (tick % 20) switch
            {
                < 6 => await CreatePersonAsync(window),
                < 10 => await RenamePersonAsync(window) ?? await CreatePersonAsync(window),
                < 14 => await PlaceOrderAsync(window),
                < 17 => await OpenTicketAsync(window),
                _ => await RecordPaymentAsync(window),
            };
            writes.Enqueue(write);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private async Task<Write> CreatePersonAsync(string window)
    {
        var id = Guid.NewGuid();
        var number = Interlocked.Increment(ref sequence);
        var write = await SendAsync(
            WriteKind.PersonCreated, id, null, window, HttpMethod.Post, "/api/v1/people",
            JsonContent.Create(new { id, firstName = "Load", lastName = $"Person {number}", email = $"load{number}.{id:N}@example.com" }));
        if (write.Outcome == Outcome.Accepted)
        {
            peopleCreated.TryAdd(id, 0);
        }

        return write;
    }

    /// <returns>Null when every person created so far is being renamed already.</returns>
    private async Task<Write?> RenamePersonAsync(string window)
    {
        var candidates = peopleCreated.Keys.ToArray();
        if (candidates.Length == 0)
        {
            return null;
        }

        var id = candidates[Random.Shared.Next(candidates.Length)];
        if (!peopleBeingRenamed.TryAdd(id, 0))
        {
            return null;
        }

        try
        {
            var name = $"Renamed {Interlocked.Increment(ref sequence)}";
            return await SendAsync(
                WriteKind.PersonRenamed, id, name, window, HttpMethod.Patch, $"/api/v1/people/{id}",
                new StringContent($$"""{ "lastName": "{{name}}" }""", Encoding.UTF8, "application/merge-patch+json"));
        }
        finally
        {
            peopleBeingRenamed.TryRemove(id, out _);
        }
    }

    private Task<Write> PlaceOrderAsync(string window)
    {
        var id = Guid.NewGuid();
        var customer = baseline.AnyCustomer();
        return SendAsync(
            WriteKind.OrderPlaced, id, null, window, HttpMethod.Post, "/api/v1/orders",
            JsonContent.Create(new { id, personId = customer.PersonId, currency = Baseline.Currency, lines = new[] { new { productId = baseline.ProductId, quantity = 1 } } }));
    }

    private Task<Write> OpenTicketAsync(string window)
    {
        var id = Guid.NewGuid();
        var customer = baseline.AnyCustomer();
        return SendAsync(
            WriteKind.TicketOpened, id, null, window, HttpMethod.Post, "/api/v1/tickets",
            JsonContent.Create(new { id, subject = $"Load ticket {id:N}", requesterPersonId = customer.PersonId }));
    }

    private Task<Write> RecordPaymentAsync(string window)
    {
        var id = Guid.NewGuid();
        var customer = baseline.AnyCustomer();
        return SendAsync(
            WriteKind.PaymentReceived, id, null, window, HttpMethod.Post, "/api/v1/payments",
            JsonContent.Create(new { id, billingAccountId = customer.BillingAccountId, amount = "1.00", currency = Baseline.Currency, method = "card" }));
    }

    private async Task<Write> SendAsync(WriteKind kind, Guid id, string? value, string window, HttpMethod method, string path, HttpContent content)
    {
        var sentAt = DateTimeOffset.UtcNow;
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var timeout = new CancellationTokenSource(RequestTimeout);
        try
        {
            using var response = await gateway.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            var outcome = response.IsSuccessStatusCode ? Outcome.Accepted
                : status >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout ? Outcome.Failed
                : Outcome.Refused;
            return new Write(kind, id, value, window, outcome, status, sentAt);
        }
        catch (Exception exception) when (exception is OperationCanceledException or HttpRequestException)
        {
            return new Write(kind, id, value, window, Outcome.TimedOut, 0, sentAt);
        }
    }
}
