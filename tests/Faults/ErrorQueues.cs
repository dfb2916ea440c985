using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RabbitMQ.Client;

namespace CrmCloud.Faults;

/// <summary>A message a consumer gave up on, as parked in its <c>_error</c> queue, with the reason MassTransit recorded.</summary>
internal sealed record ParkedMessage(string Queue, string? MessageId, string Reason, string Body);

/// <summary>
/// The broker's <c>{queue}_error</c> queues, where MassTransit parks a message once its consumer failed on every retry
/// (the exception in the <c>MT-Fault-*</c> headers). Once the cause is fixed, <see cref="ReplayAsync"/> moves the
/// messages back to the queue they came from, headers and ids kept (the consumers' inboxes still drop a message
/// they did handle), the fault headers dropped.
/// </summary>
internal sealed partial class ErrorQueues(Uri amqp, Uri management) : IDisposable
{
    public const string Suffix = "_error";
    private const string FaultHeaderPrefix = "MT-Fault-";
    private const string ReasonHeader = "MT-Reason";

    private readonly HttpClient http = ManagementClient(management);

    /// <summary>The broker of the system whose state folder is given: its ports are in the node's configuration there.</summary>
    public static ErrorQueues Of(string stateDirectory)
    {
        var configuration = Path.Combine(stateDirectory, "rabbitmq", "rabbitmq.conf");
        if (!File.Exists(configuration))
        {
            throw new InvalidOperationException($"No RabbitMQ node has run with the state folder {stateDirectory} ({configuration} is missing).");
        }

        var text = File.ReadAllText(configuration);
        var amqpPort = AmqpListener().Match(text).Groups["port"].Value;
        var managementPort = ManagementListener().Match(text).Groups["port"].Value;
        return new ErrorQueues(new Uri($"amqp://guest:guest@127.0.0.1:{amqpPort}/"), new Uri($"http://127.0.0.1:{managementPort}/"));
    }

    /// <summary>Every error queue and how many messages it holds.</summary>
    public async Task<IReadOnlyList<(string Queue, long Messages)>> ListAsync()
    {
        var queues = await http.GetFromJsonAsync<JsonElement>("api/queues?columns=name,messages");
        return [.. queues.EnumerateArray()
            .Select(queue => (Queue: queue.GetProperty("name").GetString()!, Messages: queue.TryGetProperty("messages", out var count) ? count.GetInt64() : 0))
            .Where(queue => queue.Queue.EndsWith(Suffix, StringComparison.Ordinal))
            .OrderBy(queue => queue.Queue, StringComparer.Ordinal)];
    }

    /// <summary>Reads up to <paramref name="count"/> messages of an error queue without taking them off it.</summary>
    public async Task<IReadOnlyList<ParkedMessage>> PeekAsync(string errorQueue, int count)
    {
        using var response = await http.PostAsJsonAsync(
            $"api/queues/%2F/{Uri.EscapeDataString(errorQueue)}/get", new { count, ackmode = "ack_requeue_true", encoding = "auto" });
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. messages.EnumerateArray().Select(message =>
        {
            var properties = message.GetProperty("properties");
            var headers = properties.TryGetProperty("headers", out var found) ? found : default;
            string? Header(string name) =>
                headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(name, out var value) ? value.ToString() : null;
            var reason = $"{Header(FaultHeaderPrefix + "ExceptionType")}: {Header(FaultHeaderPrefix + "Message")}";
            var messageId = properties.TryGetProperty("message_id", out var id) ? id.GetString() : null;
            return new ParkedMessage(errorQueue, messageId, reason, message.GetProperty("payload").GetString() ?? "");
        })];
    }

    /// <summary>
    /// Moves the messages parked in <paramref name="errorQueue"/> now back to the queue they failed in, each published
    /// (with the broker's confirm) before it is taken off the error queue: a crash in between repeats a message, which the
    /// consumer's inbox drops, and never loses one. A message that fails again is parked again, not replayed in a loop.
    /// </summary>
    /// <returns>How many were moved.</returns>
    public async Task<int> ReplayAsync(string errorQueue, CancellationToken cancellationToken = default)
    {
        if (!errorQueue.EndsWith(Suffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{errorQueue}' is no error queue (its name ends in {Suffix}).", nameof(errorQueue));
        }

        var queue = errorQueue[..^Suffix.Length];
        var factory = new ConnectionFactory { Uri = amqp, ClientProvidedName = "replay-errors" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var parked = await channel.MessageCountAsync(errorQueue, cancellationToken);
        var moved = 0;
        for (var i = 0; i < parked; i++)
        {
            var message = await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken);
            if (message is null)
            {
                break;
            }

            var properties = new BasicProperties(message.BasicProperties);
            if (properties.Headers is { } headers)
            {
                properties.Headers = headers
                    .Where(header => !header.Key.StartsWith(FaultHeaderPrefix, StringComparison.Ordinal) && header.Key != ReasonHeader)
                    .ToDictionary(header => header.Key, header => header.Value);
            }

            await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }

        return moved;
    }

    public void Dispose() => http.Dispose();

    private static HttpClient ManagementClient(Uri management)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = management, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        return client;
    }

    [GeneratedRegex(@"listeners\.tcp\.local\s*=\s*[\d.]+:(?<port>\d+)")]
    private static partial Regex AmqpListener();

    [GeneratedRegex(@"management\.tcp\.port\s*=\s*(?<port>\d+)")]
    private static partial Regex ManagementListener();
}
