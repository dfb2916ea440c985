using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Integrations.Features.ApiKeys;

public enum ApiKeyStatus
{
    Active,
    Expired,
    Revoked,
}

/// <summary>
/// A partner's credential for one tenant: a name, the scopes it grants and an optional expiry. Only the hash of
/// its secret is kept; the <see cref="Prefix"/> (the start of the secret) lets people tell their keys apart.
/// Revoked keys stay, so requests attributed to them in logs can still be traced to a name.
/// </summary>
public sealed class ApiKey : IVersioned, ITenantOwned
{
    private ApiKey()
    {
    }

    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = "";

    public string Name { get; private set; } = "";

    public string[] Scopes { get; private set; } = [];

    public string Prefix { get; private set; } = "";

    public string SecretHash { get; private set; } = "";

    public DateTimeOffset? ExpiresAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public DateTimeOffset? RotatedAt { get; private set; }

    /// <summary>The subject of the administrator who created it.</summary>
    public string CreatedBy { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    public static ApiKey Create(string tenantId, Guid id, ApiKeyDetails details, ApiKeySecret secret, string createdBy, DateTimeOffset now) => new()
    {
        TenantId = tenantId,
        Id = id,
        Name = details.Name,
        Scopes = [.. details.Scopes],
        ExpiresAt = details.ExpiresAt,
        Prefix = secret.Prefix,
        SecretHash = secret.Hash,
        CreatedBy = createdBy,
        CreatedAt = now,
        UpdatedAt = now,
        Version = 1,
    };

    public ApiKeyStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? ApiKeyStatus.Revoked
        : ExpiresAt <= now ? ApiKeyStatus.Expired
        : ApiKeyStatus.Active;

    /// <summary>A new secret replaces the old one, which stops working.</summary>
    public void Rotate(ApiKeySecret secret, DateTimeOffset now)
    {
        if (StatusAt(now) != ApiKeyStatus.Active)
        {
            throw new InvalidOperationException("Only an active key can be rotated.");
        }

        Prefix = secret.Prefix;
        SecretHash = secret.Hash;
        RotatedAt = now;
        Touch(now);
    }

    /// <returns>False when the key was revoked already: nothing changes.</returns>
    public bool Revoke(DateTimeOffset now)
    {
        if (RevokedAt is not null)
        {
            return false;
        }

        RevokedAt = now;
        Touch(now);
        return true;
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>What an administrator says about a key when creating it.</summary>
public sealed record ApiKeyDetails(string Name, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> key)
    {
        key.ToTable("api_keys");
        key.HasKey(k => k.Id);
        key.Property(k => k.Id).ValueGeneratedNever();
        key.Property(k => k.Version).IsConcurrencyToken();
        key.Property(k => k.Name).HasMaxLength(ApiKeyRequests.NameLength);
        key.Property(k => k.Prefix).HasMaxLength(ApiKeySecret.PrefixLength);
        key.Property(k => k.SecretHash).HasMaxLength(64);
        key.Property(k => k.CreatedBy).HasMaxLength(200);
        key.HasIndex(k => k.SecretHash).IsUnique();
        key.HasIndex(k => new { k.TenantId, k.Id });
    }
}
