namespace CrmCloud.ServiceDefaults.Security;

/// <summary>The scopes a caller may hold: read and write per business area (api.md), and for webhook subscriptions.</summary>
public static class Scopes
{
    /// <summary>Partners' webhook subscriptions, served by the integrations service: a scope of its own, not a business area's.</summary>
    public const string Webhooks = "webhooks";

    public static readonly IReadOnlyList<string> Areas = ["contacts", "sales", "campaign", "support", "billing", Webhooks];

    public static readonly IReadOnlyList<string> All =
        [.. Areas.SelectMany(area => new[] { Read(area), Write(area) })];

    public static string Read(string area) => $"{area}:read";

    public static string Write(string area) => $"{area}:write";
}
