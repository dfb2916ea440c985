namespace CrmCloud.Campaign.Features.Delivery;

/// <summary>
/// Paces each tenant's messages on this instance: a tenant's turns are <c>1 / rate</c> apart, so one tenant's big
/// campaign neither floods the mail server nor holds up the others (each tenant sends on its own).
/// </summary>
public sealed class TenantThrottle(TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, DateTimeOffset> nextTurn = [];

    /// <summary>Completes at the tenant's next turn, which it takes.</summary>
    public Task WaitTurnAsync(string tenantId, double messagesPerSecond, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (gate)
        {
            var now = time.GetUtcNow();
            var turn = nextTurn.TryGetValue(tenantId, out var next) && next > now ? next : now;
            nextTurn[tenantId] = turn + TimeSpan.FromSeconds(1 / messagesPerSecond);
            wait = turn - now;
        }

        return wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
    }
}
