using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CrmCloud.Gateway.Idempotency;

/// <summary>The response a service gave to the first request with a key, as replayed to repeats.</summary>
internal sealed record StoredResponse(int StatusCode, Dictionary<string, string> Headers, ReadOnlyMemory<byte> Body);

/// <summary>
/// What Redis holds under a key: the fingerprint of the first request and, once it has finished, its
/// response. While it is in progress, <see cref="ClaimId"/> tells this claim from any later one.
/// </summary>
internal sealed record IdempotencyRecord(string Fingerprint, string? ClaimId, StoredResponse? Response)
{
    [JsonIgnore]
    public bool InProgress => Response is null;
}

/// <summary>A key this request has claimed; it must be completed or released.</summary>
internal sealed record IdempotencyClaim(RedisKey Key, RedisValue Pending);

/// <summary>Either this request now holds the key, or the record of an earlier request with it.</summary>
internal sealed record ClaimResult(IdempotencyClaim? Claim, IdempotencyRecord? Existing);

[JsonSerializable(typeof(IdempotencyRecord))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class IdempotencyJsonContext : JsonSerializerContext;

/// <summary>
/// Idempotency records in Redis, keyed by tenant and key. A key is claimed atomically (SET NX with the
/// expiry), then either completed with the response or released, each only while the claim is still
/// the one this request made.
/// </summary>
internal sealed class IdempotencyStore(IConnectionMultiplexer redis, IOptions<IdempotencyOptions> options)
{
    // SET NX with the expiry, answering the record already there (if any) in the same atomic step.
    private const string ClaimScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return false
        end
        return redis.call('GET', KEYS[1])
        """;

    // Compare-and-set and compare-and-delete: a claim that expired and was taken by another request is left alone.
    private const string CompleteScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
          return 1
        end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private readonly IdempotencyOptions _options = options.Value;

    public async Task<ClaimResult> ClaimAsync(string tenant, string key, string fingerprint)
    {
        var redisKey = KeyFor(tenant, key);
        var pending = Serialize(new IdempotencyRecord(fingerprint, Guid.NewGuid().ToString("N"), Response: null));
        var existing = await redis.GetDatabase().ScriptEvaluateAsync(
            ClaimScript,
            [redisKey],
            [pending, ExpiryMilliseconds]);
        return existing.IsNull
            ? new ClaimResult(new IdempotencyClaim(redisKey, pending), Existing: null)
            : new ClaimResult(Claim: null, Deserialize((byte[])existing!));
    }

    public async Task<bool> CompleteAsync(IdempotencyClaim claim, string fingerprint, StoredResponse response)
    {
        var completed = Serialize(new IdempotencyRecord(fingerprint, ClaimId: null, response));
        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            CompleteScript,
            [claim.Key],
            [claim.Pending, completed, ExpiryMilliseconds]);
        return (int)result == 1;
    }

    public async Task ReleaseAsync(IdempotencyClaim claim) =>
        await redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [claim.Key], [claim.Pending]);

    private long ExpiryMilliseconds => (long)_options.Expiry.TotalMilliseconds;

    /// <summary>The tenant is escaped so that no tenant and key can spell another tenant's key.</summary>
    private RedisKey KeyFor(string tenant, string key) => $"{_options.KeyPrefix}{Uri.EscapeDataString(tenant)}:{key}";

    private static RedisValue Serialize(IdempotencyRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, IdempotencyJsonContext.Default.IdempotencyRecord);

    private static IdempotencyRecord Deserialize(byte[] value) =>
        JsonSerializer.Deserialize(value, IdempotencyJsonContext.Default.IdempotencyRecord)
        ?? throw new InvalidOperationException("An idempotency record in Redis is empty.");
}
