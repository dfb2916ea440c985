namespace CrmCloud.TestInfrastructure;

/// <summary>Waits for a condition with a deadline: the only way tests synchronise with asynchronous work.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        Exception? last = null;
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                last = exception;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0}s waiting for {what}.", last);
    }

    public static Task Until(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        Until<object>(async () => await probe() ? true : null, timeout, what);
}
