namespace CrmCloud.Billing.Tests;

/// <summary>The real clock moved by <paramref name="offset"/>: a service that believes a month has passed, without waiting for it.</summary>
public sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
}
