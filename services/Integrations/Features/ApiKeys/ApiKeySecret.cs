using System.Buffers.Text;
using System.Security.Cryptography;
using CrmCloud.ServiceDefaults.Security;

namespace CrmCloud.Integrations.Features.ApiKeys;

/// <summary>
/// A new secret, <c>crm_{prefix}_{256 random bits}</c>: the prefix is shown in lists so people can tell keys apart;
/// the whole secret is shown once and only its SHA-256 <see cref="Hash"/> is kept.
/// </summary>
public sealed record ApiKeySecret(string Value, string Prefix, string Hash)
{
    public const int PrefixLength = 12;

    public static ApiKeySecret New()
    {
        var prefix = $"crm_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var value = $"{prefix}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
        return new ApiKeySecret(value, prefix, PartnerKeys.Hash(value));
    }
}
