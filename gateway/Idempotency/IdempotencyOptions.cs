namespace CrmCloud.Gateway.Idempotency;

/// <summary>How the gateway keeps Idempotency-Key records in Redis (configuration section <c>Idempotency</c>).</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>Prepended to every Redis key, so that several deployments or test runs can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "crm:idem:";

    /// <summary>How long a key is remembered (api.md: 24 hours).</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(24);
}
