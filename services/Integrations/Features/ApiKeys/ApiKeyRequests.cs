using CrmCloud.Platform.Api;
using CrmCloud.ServiceDefaults.Security;

namespace CrmCloud.Integrations.Features.ApiKeys;

/// <summary>A key to create: a name, the scopes it grants (each one the creating administrator holds) and an optional expiry.</summary>
public sealed record CreateApiKeyRequest(string? Name, string?[]? Scopes, DateTimeOffset? ExpiresAt);

/// <summary>A key; <c>secret</c> is present only in the answer to its creation or rotation.</summary>
public sealed record ApiKeyResponse(
    Guid Id,
    string Name,
    IReadOnlyList<string> Scopes,
    string Prefix,
    ApiKeyStatus Status,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? RotatedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    string? Secret = null)
{
    public static ApiKeyResponse From(ApiKey key, DateTimeOffset now, ApiKeySecret? secret = null) => new(
        key.Id, key.Name, key.Scopes, key.Prefix, key.StatusAt(now), key.ExpiresAt, key.RevokedAt, key.RotatedAt,
        key.CreatedAt, key.UpdatedAt, key.Version, secret?.Value);
}

public static class ApiKeyRequests
{
    public const int NameLength = 100;

    /// <param name="held">The scopes of the administrator creating the key: a key never grants more.</param>
    public static ApiKeyDetails? Validate(this CreateApiKeyRequest request, IReadOnlySet<string> held, DateTimeOffset now, FieldErrors errors)
    {
        var name = errors.Required("name", request.Name, NameLength);
        var scopes = new List<string>();
        if (request.Scopes is not { Length: > 0 })
        {
            errors.Add("scopes", "Name at least one scope.");
        }
        else
        {
            for (var index = 0; index < request.Scopes.Length; index++)
            {
                var scope = request.Scopes[index];
                var field = $"scopes[{index}]";
                if (scope is null || !Scopes.All.Contains(scope, StringComparer.Ordinal))
                {
                    errors.Add(field, $"Unknown scope; known scopes are {string.Join(", ", Scopes.All)}.");
                }
                else if (!held.Contains(scope))
                {
                    errors.Add(field, $"You do not hold {scope}, so a key you create cannot grant it.");
                }
                else if (!scopes.Contains(scope, StringComparer.Ordinal))
                {
                    scopes.Add(scope);
                }
            }
        }

        if (request.ExpiresAt <= now)
        {
            errors.Add("expiresAt", "The expiry must lie in the future.");
        }

        return errors.IsEmpty ? new ApiKeyDetails(name!, scopes, request.ExpiresAt) : null;
    }
}
