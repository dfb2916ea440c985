namespace CrmCloud.Campaign.Features.Delivery;

/// <summary>How campaign email is sent (configuration section <c>Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>False leaves sending to other instances (or to a test that records delivery itself).</summary>
    public bool Worker { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Recipients claimed at a time: few, so that a crash leaves few claimed and unsent.</summary>
    public int BatchSize { get; set; } = 10;

    /// <summary>Each tenant's sending rate, unless <see cref="TenantMessagesPerSecond"/> names the tenant.</summary>
    public double MessagesPerSecond { get; set; } = 20;

    /// <summary>Rates for particular tenants (a plan that pays for more, or a sender reputation to warm up).</summary>
    public Dictionary<string, double> TenantMessagesPerSecond { get; set; } = [];

    /// <summary>
    /// How long a claim holds. Recipients still <c>sending</c> after it were claimed by an instance that stopped
    /// without recording them: <see cref="CampaignSender"/> settles them.
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where recipients reach the gateway: tracking, click and unsubscribe links start with it.</summary>
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:8080");

    public double RateFor(string tenantId) => TenantMessagesPerSecond.GetValueOrDefault(tenantId, MessagesPerSecond);
}

/// <summary>
/// The SMTP server campaign email goes to (configuration section <c>Smtp</c>): <see cref="Host"/> and <see cref="Port"/>,
/// or else <c>ConnectionStrings:mail</c> as <c>smtp://host:port</c>, which the orchestrator hands over.
/// </summary>
public sealed class SmtpOptions
{
    public const string ConnectionName = "mail";

    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary>The From address of every tenant's campaigns, unless <see cref="Senders"/> names the tenant.</summary>
    public string Sender { get; set; } = "campaigns@crmcloud.localhost";

    public Dictionary<string, string> Senders { get; set; } = [];

    public string SenderFor(string tenantId) => Senders.GetValueOrDefault(tenantId, Sender);
}
