namespace CrmCloud.ServiceDefaults.Tenancy;

/// <summary>
/// The tenant the current request or message acts for. Set once per scope: from the caller's token
/// for HTTP requests, from the event for consumers. Data access filters by it.
/// </summary>
public sealed class TenantContext
{
    private string? _tenantId;

    public bool IsSet => _tenantId is not null;

    public string TenantId => _tenantId ?? throw new InvalidOperationException("No tenant has been set for this scope.");

    /// <summary>The tenant, or null where none is set; queries then match nothing.</summary>
    public string? TenantIdOrNull => _tenantId;

    public void Use(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (_tenantId is not null && _tenantId != tenantId)
        {
            throw new InvalidOperationException("The tenant of a scope cannot change once set.");
        }

        _tenantId = tenantId;
    }
}
