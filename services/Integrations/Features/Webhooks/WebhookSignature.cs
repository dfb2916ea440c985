using System.Security.Cryptography;
using System.Text;

namespace CrmCloud.Integrations.Features.Webhooks;

/// <summary>
/// Signing as the Standard Webhooks scheme does it, so receivers can use its libraries: the secret is <c>whsec_</c> and
/// base64 of 32 random bytes (the key); <c>Webhook-Signature</c> is <c>v1,</c> and base64 of the HMAC-SHA256 of
/// <c>{Webhook-Id}.{Webhook-Timestamp}.{body}</c>. The timestamp (Unix seconds) is signed, so a receiver refusing
/// timestamps more than five minutes away from its clock refuses replays.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";
    public const string IdHeader = "Webhook-Id";
    public const string TimestampHeader = "Webhook-Timestamp";
    public const string SignatureHeader = "Webhook-Signature";

    /// <summary>How receivers are told to verify: in the OpenAPI description and docs/decisions/0009-webhooks.md.</summary>
    public const string Verification =
        "Each delivery is a POST of JSON { id, type, occurredAt, tenant, data } with the headers Webhook-Id (the body's id, the same on every retry: "
        + "use it to drop repeats), Webhook-Timestamp (Unix seconds of this attempt) and Webhook-Signature ('v1,' and the base64 HMAC-SHA256 of "
        + "'{Webhook-Id}.{Webhook-Timestamp}.{raw body}', keyed with the base64-decoded part of the secret after 'whsec_'; the Standard Webhooks scheme). "
        + "Verify it over the raw body with a constant-time comparison and refuse a timestamp more than 5 minutes from your clock. "
        + "Answer 2xx within 10 seconds; anything else is retried with exponential backoff for 24 hours, then the subscription is disabled. "
        + "Deliveries about one resource arrive in the order their events occurred.";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        var signature = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return $"v1,{Convert.ToBase64String(signature)}";
    }
}
