namespace CrmCloud.Gateway.Routing;

/// <summary>A business area: the service that owns it and the resources it serves under <c>/api/v1</c>.</summary>
public sealed record ServiceArea(string Name, IReadOnlyList<string> Resources)
{
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
        new("sales", ["customers", "leads", "pipelines", "opportunities", "products", "price-lists", "quotes", "orders", "forecast"]),
        new("campaign", ["audience-members", "segments", "campaigns"]),
        new("support", ["requesters", "tickets", "sla-policies", "service-contracts", "kb-articles", "canned-responses", "assets", "inbound"]),
        new("billing", ["billing-accounts", "invoices", "credit-notes", "payments", "subscriptions", "tax-rates"]),
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
