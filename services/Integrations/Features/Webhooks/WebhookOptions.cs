namespace CrmCloud.Integrations.Features.Webhooks;

/// <summary>How webhooks are delivered (configuration section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>False leaves delivering to other instances.</summary>
    public bool Worker { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries claimed at a time; they are posted side by side, <see cref="Parallelism"/> at once.</summary>
    public int BatchSize { get; set; } = 100;

    public int Parallelism { get; set; } = 16;

    /// <summary>How long a receiver has to answer an attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first retry; each further retry waits twice as long (with jitter), up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A delivery failing this long after its first attempt is given up, and its subscription disabled.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Whether subscriptions may point at loopback, private and link-local addresses. Off in production, so a tenant
    /// cannot make the service post into the network it runs in; on for development and tests, whose receivers are local.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>How long a claimed delivery is a sender's; past it (the sender stopped mid-attempt) it is attempted again.</summary>
    public TimeSpan ClaimLease => Timeout * 3;

    /// <summary>The wait before the next attempt after <paramref name="failures"/> failed ones: doubling from <see cref="FirstRetry"/>, capped, ±25 % jitter.</summary>
    public TimeSpan RetryDelay(int failures)
    {
        var doubled = FirstRetry.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(doubled, MaxRetryInterval.TotalMilliseconds);
        // Jitter, so receivers coming back after an outage are not hit by every retry at once.
        return TimeSpan.FromMilliseconds(capped * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }
}
