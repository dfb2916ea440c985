using System.Buffers.Text;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Platform.Api;

/// <summary>
/// <c>?limit=&amp;cursor=</c> on every list. Keyset pagination on the UUIDv7 id: stable under concurrent
/// inserts and as fast on the last page as on the first. The cursor is opaque to callers.
/// </summary>
public sealed record PageQuery(int? Limit, string? Cursor)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"The limit must be between 1 and {MaxLimit}."];
        }

        if (Cursor is not null && DecodeCursor(Cursor) is null)
        {
            errors["cursor"] = ["The cursor is not one this API issued."];
        }

        return errors;
    }

    /// <summary>Reads one page of <paramref name="query"/> in id order; call <see cref="Validate"/> first.</summary>
    public async Task<Page<TResponse>> ReadAsync<TEntity, TResponse>(
        IQueryable<TEntity> query,
        Func<TEntity, TResponse> toResponse,
        CancellationToken cancellationToken)
        where TEntity : class, IEntity
    {
        var limit = Limit ?? DefaultLimit;
        if (Cursor is not null && DecodeCursor(Cursor) is { } after)
        {
            query = query.Where(entity => entity.Id.CompareTo(after) > 0);
        }

        var rows = await query.OrderBy(entity => entity.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var next = rows.Count > limit ? EncodeCursor(rows[limit - 1].Id) : null;
        return new Page<TResponse>([.. rows.Take(limit).Select(toResponse)], next);
    }

    private static string EncodeCursor(Guid after) => Base64Url.EncodeToString(after.ToByteArray(bigEndian: true));

    private static Guid? DecodeCursor(string cursor)
    {
        if (!Base64Url.IsValid(cursor, out var length) || length != 16)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        return Base64Url.TryDecodeFromChars(cursor, bytes, out var written) && written == 16
            ? new Guid(bytes, bigEndian: true)
            : null;
    }
}
