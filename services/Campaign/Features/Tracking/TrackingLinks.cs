namespace CrmCloud.Campaign.Features.Tracking;

/// <summary>The public links of a recipient's message, through the gateway at <paramref name="publicBaseUrl"/>.</summary>
public sealed class TrackingLinks(Uri publicBaseUrl, string token)
{
    private readonly string root = $"{publicBaseUrl.AbsoluteUri.TrimEnd('/')}/api/v1/tracking";

    /// <summary>The tracking pixel's address.</summary>
    public string Open => $"{root}/open/{token}";

    /// <summary>The one-click unsubscribe target (POST), which also shows a confirmation page (GET).</summary>
    public string Unsubscribe => $"{root}/unsubscribe/{token}";

    /// <summary>The redirect that records a click on <paramref name="url"/> and then goes there.</summary>
    public string Click(string url) => $"{root}/click/{token}?url={Uri.EscapeDataString(url)}";
}
