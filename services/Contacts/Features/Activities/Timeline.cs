using System.Buffers.Binary;
using System.Buffers.Text;
using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Activities;

/// <summary>
/// One entry of a person's timeline. <c>kind</c> says what it is and which property holds it: today only
/// <c>activity</c>; facts from other services (orders, invoices, tickets) join as kinds of their own.
/// </summary>
public sealed record TimelineItem(string Kind, DateTimeOffset OccurredAt, ActivityResponse? Activity)
{
    public static TimelineItem Of(Activity activity) => new("activity", activity.Details.OccurredAt, ActivityResponse.From(activity));
}

/// <summary>
/// <c>?limit=&amp;cursor=</c> on a timeline: newest first by <c>occurredAt</c>, ties broken by id (newest first),
/// so the order is total. Keyset pagination on that pair: an entry inserted while a caller pages shows up on a
/// later page when it is older than the cursor and never moves or repeats another. The cursor (the last
/// entry's time and id) is opaque to callers. Limits are those of <see cref="PageQuery"/>.
/// </summary>
public sealed record TimelineQuery(int? Limit, string? Cursor)
{
    private const int CursorLength = sizeof(long) + 16;

    public Dictionary<string, string[]> Validate()
    {
        var errors = new PageQuery(Limit, null).Validate();
        if (Cursor is not null && DecodeCursor(Cursor) is null)
        {
            errors["cursor"] = ["The cursor is not one this API issued."];
        }

        return errors;
    }

    /// <summary>Reads one page of <paramref name="activities"/> newest first; call <see cref="Validate"/> first.</summary>
    public async Task<Page<TimelineItem>> ReadAsync(IQueryable<Activity> activities, CancellationToken cancellationToken)
    {
        var limit = Limit ?? PageQuery.DefaultLimit;
        if (Cursor is not null && DecodeCursor(Cursor) is var (at, id))
        {
            activities = activities.Where(a => a.Details.OccurredAt < at || (a.Details.OccurredAt == at && a.Id.CompareTo(id) < 0));
        }

        var rows = await activities
            .OrderByDescending(a => a.Details.OccurredAt)
            .ThenByDescending(a => a.Id)
            .Take(limit + 1)
            .ToListAsync(cancellationToken);
        var next = rows.Count > limit ? EncodeCursor(rows[limit - 1].Details.OccurredAt, rows[limit - 1].Id) : null;
        return new Page<TimelineItem>([.. rows.Take(limit).Select(TimelineItem.Of)], next);
    }

    private static string EncodeCursor(DateTimeOffset at, Guid id)
    {
        Span<byte> bytes = stackalloc byte[CursorLength];
        BinaryPrimitives.WriteInt64BigEndian(bytes, at.UtcTicks);
        id.TryWriteBytes(bytes[sizeof(long)..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    private static (DateTimeOffset At, Guid Id)? DecodeCursor(string cursor)
    {
        if (!Base64Url.IsValid(cursor, out var length) || length != CursorLength)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[CursorLength];
        if (!Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != CursorLength)
        {
            return null;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? (new DateTimeOffset(ticks, TimeSpan.Zero), new Guid(bytes[sizeof(long)..], bigEndian: true))
            : null;
    }
}
