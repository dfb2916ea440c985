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

    public string? Authority { get; set; }

    public string Audience { get; set; } = DefaultAudience;

    public string? DevelopmentSigningKey { get; set; }
}
