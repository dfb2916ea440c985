namespace CrmCloud.Gateway.Customers;

/// <summary><c>Gateway:Customer360</c>: how long the 360 waits for each service, how long a complete one is kept, and how much history it shows.</summary>
public sealed class CustomerViewOptions
{
    public const string Section = "Gateway:Customer360";

    /// <summary>How long one call to a service may take before its section is left out with a <c>timeout</c> warning.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a complete 360 is served from Redis; the person's events remove it sooner.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many of the latest orders and campaign responses the 360 shows.</summary>
    public int RecentItems { get; set; } = 10;

    /// <summary>The prefix of the 360's Redis keys; tests give each run its own.</summary>
    public string KeyPrefix { get; set; } = "crm:customer360:";
}
