using CrmCloud.ServiceDefaults.Security;

namespace CrmCloud.Gateway.Routing;

/// <summary>
/// A business area: the service that owns it and the resources it serves under <c>/api/v1</c>.
/// <see cref="PublicResources"/> are reached without credentials (a web form, a survey link, a tracking pixel):
/// the service itself authenticates them by the key or token in the path.
/// The gateway asks for the area's scope (<c>{area}:read</c> to read, <c>{area}:write</c> for anything else),
/// unless <see cref="Policy"/> names the one authorization policy its resources require. A resource in
/// <see cref="ScopeAreas"/> asks for the scopes of the area named there instead (webhooks → <c>webhooks:read</c>).
/// </summary>
public sealed record ServiceArea(
    string Name,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string>? PublicResources = null,
    string? Policy = null,
    IReadOnlyDictionary<string, string>? ScopeAreas = null)
{
    public string ReadPolicy(string resource) =>
        ScopeAreas?.GetValueOrDefault(resource) is { } scopeArea ? Scopes.Read(scopeArea) : Policy ?? Scopes.Read(Name);

    public string WritePolicy(string resource) =>
        ScopeAreas?.GetValueOrDefault(resource) is { } scopeArea ? Scopes.Write(scopeArea) : Policy ?? Scopes.Write(Name);

    /// <summary>The logical address service discovery resolves, as Aspire names it (<c>services__contacts__http__0</c>).</summary>
    public Uri ServiceAddress => new($"http://{Name}");
}

/// <summary>
/// The route table: which service owns which resource. The gateway only routes; each service serves
/// the same <c>/api/v1/{resource}</c> paths it is reached on.
/// </summary>
public static class ServiceAreas
{
    public const string ApiPrefix = "/api/v1";

    public static readonly IReadOnlyList<ServiceArea> All =
    [
        new("contacts", ["people", "companies", "custom-fields", "activities", "imports"]),
        new("sales", ["customers", "leads", "lead-forms", "pipelines", "opportunities", "products", "price-lists", "quotes", "orders", "offers", "reports/forecast", "reports/pipeline"], ["lead-capture"]),
        new("campaign", ["audience-members", "segments", "campaigns"], ["tracking"]),
        new("support", ["requesters", "tickets", "sla-policies", "business-calendars", "service-contracts", "kb-articles", "canned-responses", "assets", "inbound", "reports/support"], ["csat"]),
        new("billing", ["billing-accounts", "invoices", "credit-notes", "payments", "subscriptions", "tax-rates", "dunning", "reports/receivables", "reports/revenue"]),
        // Keys only for a tenant administrator's own token; webhook subscriptions also for a partner's key that an
        // administrator granted the webhooks scopes (docs/decisions/0009-webhooks.md).
        new(
            "integrations",
            ["api-keys", "webhooks"],
            Policy: AuthenticationExtensions.TenantAdminPolicy,
            ScopeAreas: new Dictionary<string, string>(StringComparer.Ordinal) { ["webhooks"] = Scopes.Webhooks }),
    ];

    /// <summary>
    /// Resources whose requests carry files, with the body size their service accepts (the default limit of
    /// <c>ServiceDefaults</c> stays for every other route): contacts takes CSV imports of up to 50 MiB.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, long> LargeBodies = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["imports"] = 50L * 1024 * 1024,
    };
}
