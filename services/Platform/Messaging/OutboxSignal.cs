namespace CrmCloud.Platform.Messaging;

/// <summary>
/// Wakes the dispatcher when a save has written outbox rows, so events leave at once instead of
/// at the next poll. Losing a signal costs latency only: the dispatcher also polls.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up serves every save before it.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _pending.Dispose();
}
