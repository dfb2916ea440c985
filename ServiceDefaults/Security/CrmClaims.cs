namespace CrmCloud.ServiceDefaults.Security;

/// <summary>Claim names CrmCloud reads from a bearer token.</summary>
public static class CrmClaims
{
    public const string Tenant = "tenant_id";
    public const string Scope = "scope";
    public const string Subject = "sub";

    /// <summary>The caller's roles in its tenant, as the identity provider issues them (one claim per role or a JSON array).</summary>
    public const string Roles = "roles";

    /// <summary>Set by the gateway on the internal token of a request made with a partner API key: the key it was made with.</summary>
    public const string ApiKeyId = "api_key_id";
}

/// <summary>Roles CrmCloud gives meaning to.</summary>
public static class CrmRoles
{
    /// <summary>A tenant administrator: manages the tenant's partner credentials.</summary>
    public const string Admin = "admin";
}
