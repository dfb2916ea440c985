using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace CrmCloud.Bench.Harness;

/// <summary>How one service's copies of the created people came: milliseconds from each 201 to its copy row.</summary>
internal sealed record CopyArrival(string Service, int Expected, int Found, int Duplicated, double P50, double P99, double Max)
{
    public int Missing => Expected - Found;
}

internal sealed record PropagationResult(PacedResult Creates, IReadOnlyList<CopyArrival> Copies);

internal sealed record BrokerResult(double Rate, long Published, long Consumed, double P50, double P99);

/// <summary>
/// Scenario 3: people created through the gateway at a steady rate, and when each one's copy came to exist in every
/// service that keeps one (the <c>ContactCreated</c> consumers built on Platform's <c>ContactCopyConsumer</c>). The copy's
/// <c>created_at</c> is the consumer's clock when it handled the event, just before its commit, on the same machine as
/// the 201 was timed, so no polling interval blurs the figure.
/// </summary>
internal static class Propagation
{
    /// <summary>Each service that keeps a copy of people, and the table it keeps it in.</summary>
    private static readonly (string Service, string Table)[] CopyTables =
    [
        ("billing", "billing_accounts"), ("sales", "customers"), ("support", "requesters"), ("campaign", "audience_members"),
    ];

    /// <summary>
    /// Creates at <paramref name="rate"/> for <paramref name="warmup"/> and then <paramref name="duration"/> without a
    /// pause, so the measured creates meet a system already at that rate (compiled, pools filled, consumers running);
    /// only those after the warm-up are followed to their copies.
    /// </summary>
    public static async Task<PropagationResult> RunAsync(
        SystemUnderTest system, string token, string tenant, string run, double rate, TimeSpan warmup, TimeSpan duration, TimeSpan patience)
    {
        var warming = (long)(rate * warmup.TotalSeconds);
        var created = new List<(Guid Id, DateTimeOffset Answered)>();
        var creates = await Paced.HttpAsync(
            system.Gateway, token, rate, warmup + duration,
            index => new HttpRequestMessage(HttpMethod.Post, "/api/v1/people")
            {
                Content = new StringContent(Wrk.PersonBody($"{run}-propagation-{index}"), Encoding.UTF8, "application/json"),
            },
            async (index, response, arrived) =>
            {
                if (index < warming)
                {
                    return;
                }

                var person = await response.Content.ReadFromJsonAsync<JsonElement>();
                lock (created)
                {
                    created.Add((person.GetProperty("id").GetGuid(), arrived));
                }
            });

        var answered = created.ToDictionary(entry => entry.Id, entry => entry.Answered);
        var copies = new List<CopyArrival>();
        var deadline = Stopwatch.StartNew();
        foreach (var (service, table) in CopyTables)
        {
            await using var database = NpgsqlDataSource.Create(system.Database(service));
            var rows = await CopiesAsync(database, table, tenant, answered.Keys);
            while (rows.Select(row => row.PersonId).Distinct().Count() < answered.Count && deadline.Elapsed < patience)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
                rows = await CopiesAsync(database, table, tenant, answered.Keys);
            }

            var delays = rows.Select(row => (row.CreatedAt - answered[row.PersonId]).TotalMilliseconds).Order().ToList();
            var found = rows.Select(row => row.PersonId).Distinct().Count();
            copies.Add(new CopyArrival(
                service, answered.Count, found, rows.Count - found,
                Measurement.Percentile(delays, 0.50), Measurement.Percentile(delays, 0.99), delays.Count == 0 ? double.NaN : delays[^1]));
        }

        return new PropagationResult(creates, copies);
    }

    private static async Task<List<(Guid PersonId, DateTimeOffset CreatedAt)>> CopiesAsync(NpgsqlDataSource database, string table, string tenant, IEnumerable<Guid> people)
    {
        await using var command = database.CreateCommand($"SELECT person_id, created_at FROM {table} WHERE tenant_id = $1 AND person_id = ANY($2)");
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        command.Parameters.Add(new NpgsqlParameter { Value = people.ToArray() });
        var rows = new List<(Guid, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return rows;
    }

    /// <summary>
    /// The broker alone: persistent messages published with confirms into a durable queue at the same rate, as
    /// the outbox dispatcher publishes, and consumed by a client on the same machine; milliseconds from each
    /// message's due time to its delivery.
    /// </summary>
    public static async Task<BrokerResult> BrokerAsync(string messaging, string run, double rate, TimeSpan duration)
    {
        var factory = new ConnectionFactory { Uri = new Uri(messaging) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await using var receiver = await connection.CreateChannelAsync();
        var queue = $"bench-propagation-{run}";
        await publisher.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        var count = Math.Max(1, (long)(rate * duration.TotalSeconds));
        var due = new long[count];
        var delays = new List<double>((int)count);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(receiver);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var index = BitConverter.ToInt64(delivery.Body.Span);
            lock (delays)
            {
                delays.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref due[index])).TotalMilliseconds);
                if (delays.Count == count)
                {
                    all.TrySetResult();
                }
            }

            return Task.CompletedTask;
        };
        await receiver.BasicConsumeAsync(queue, autoAck: true, consumer);
        try
        {
            var properties = new BasicProperties { Persistent = true };
            await Paced.RunAsync(rate, count, async (index, at) =>
            {
                Volatile.Write(ref due[index], at);
                await publisher.BasicPublishAsync("", queue, mandatory: false, properties, BitConverter.GetBytes(index));
            });
            await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await publisher.QueueDeleteAsync(queue);
        }

        List<double> sorted;
        lock (delays)
        {
            sorted = [.. delays.Order()];
        }

        return new BrokerResult(rate, count, sorted.Count, Measurement.Percentile(sorted, 0.50), Measurement.Percentile(sorted, 0.99));
    }
}
