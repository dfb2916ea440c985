using System.Collections.Concurrent;
using MassTransit;

namespace CrmCloud.TestInfrastructure;

/// <summary>Counts the deliveries a bus has started, finished and failed consuming, by message id, so tests can wait for them.</summary>
public sealed class ConsumeCounter : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _started = new();
    private readonly ConcurrentDictionary<Guid, int> _consumed = new();
    private readonly ConcurrentDictionary<Guid, int> _faulted = new();

    public int Started(Guid messageId) => _started.GetValueOrDefault(messageId);

    public int Consumed(Guid messageId) => _consumed.GetValueOrDefault(messageId);

    /// <summary>Deliveries that failed for good: their retries spent, on their way to the error queue.</summary>
    public int Faulted(Guid messageId) => _faulted.GetValueOrDefault(messageId);

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Count(_started, context);

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class => Count(_consumed, context);

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Count(_faulted, context);

    private static Task Count(ConcurrentDictionary<Guid, int> counts, ConsumeContext context)
    {
        if (context.MessageId is { } id)
        {
            counts.AddOrUpdate(id, 1, (_, count) => count + 1);
        }

        return Task.CompletedTask;
    }
}
