namespace CrmCloud.ServiceDefaults.Security;

/// <summary>Claim names CrmCloud reads from a bearer token.</summary>
public static class CrmClaims
{
    public const string Tenant = "tenant_id";
    public const string Scope = "scope";
    public const string Subject = "sub";
}
