namespace CrmCloud.Gateway.Credentials;

/// <summary><c>ApiKeys</c>: how long the gateway trusts what it remembers of a key, and the life of the tokens it hands on.</summary>
public sealed class PartnerKeyOptions
{
    public const string Section = "ApiKeys";

    /// <summary>The longest a grant is used from memory; a revocation normally removes it far sooner.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The life of the internal token a service receives for a request made with a key.</summary>
    public TimeSpan InternalTokenLifetime { get; set; } = TimeSpan.FromMinutes(2);
}
