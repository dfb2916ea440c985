namespace CrmCloud.ServiceDefaults.Security;

/// <summary>
/// How bearer tokens are validated. Production names an OIDC <see cref="Authority"/>; development
/// names a <see cref="DevelopmentSigningKey"/> that the run command generates outside the repository.
/// </summary>
public sealed class CrmAuthenticationOptions
{
    public const string Section = "Authentication";
    public const string DefaultAudience = "crmcloud-api";
    public const string DevelopmentIssuer = "crmcloud-development";

    /// <summary>The issuer of the short-lived tokens the gateway mints for requests made with a partner API key.</summary>
    public const string GatewayIssuer = "crmcloud-gateway";

    public string? Authority { get; set; }

    public string Audience { get; set; } = DefaultAudience;

    public string? DevelopmentSigningKey { get; set; }

    /// <summary>
    /// The symmetric key (base64, 32 bytes) the gateway signs its internal tokens with and the services check them by.
    /// Unset, the development signing key serves: one machine, one secret.
    /// </summary>
    public string? InternalSigningKey { get; set; }

    /// <summary>Require HTTPS for the authority's metadata; off only for a local identity provider.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public string? EffectiveInternalSigningKey => InternalSigningKey ?? DevelopmentSigningKey;
}
