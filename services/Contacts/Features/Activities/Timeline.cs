using System.Buffers.Binary;
using System.Buffers.Text;
using CrmCloud.Contacts.Features.Profile;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Activities;

/// <summary>
/// One entry of a person's timeline. <c>kind</c> says what it is and which property holds it: <c>activity</c>, or
/// for the facts other services publish <c>order</c>, <c>invoice</c>, <c>payment</c>, <c>ticket</c> or <c>campaign</c>
/// (see <see cref="FactKind"/>), each a <see cref="CustomerFactResponse"/>.
/// </summary>
public sealed record TimelineItem(
    string Kind,
    DateTimeOffset OccurredAt,
    ActivityResponse? Activity = null,
    CustomerFactResponse? Order = null,
    CustomerFactResponse? Invoice = null,
    CustomerFactResponse? Payment = null,
    CustomerFactResponse? Ticket = null,
    CustomerFactResponse? Campaign = null)
{
    public static TimelineItem Of(Activity activity) => new("activity", activity.Details.OccurredAt, ActivityResponse.From(activity));

    public static TimelineItem Of(CustomerFact fact)
    {
        var entry = CustomerFactResponse.From(fact);
        var kind = WireNames<FactKind>.Of(fact.Kind);
        return fact.Kind switch
        {
            FactKind.Order => new(kind, fact.OccurredAt, Order: entry),
            FactKind.Invoice => new(kind, fact.OccurredAt, Invoice: entry),
            FactKind.Payment => new(kind, fact.OccurredAt, Payment: entry),
            FactKind.Ticket => new(kind, fact.OccurredAt, Ticket: entry),
            FactKind.Campaign => new(kind, fact.OccurredAt, Campaign: entry),
            _ => throw new InvalidOperationException($"No timeline entry for {fact.Kind}."),
        };
    }
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

    /// <summary>
    /// Reads one page of <paramref name="activities"/> and <paramref name="facts"/> together, newest first; call
    /// <see cref="Validate"/> first. Each source gives its own first <c>limit + 1</c> entries after the cursor, in the
    /// same order, so the page's entries are among them; ids are UUIDv7 from one generator, so the order stays total.
    /// </summary>
    public async Task<Page<TimelineItem>> ReadAsync(IQueryable<Activity> activities, IQueryable<CustomerFact> facts, CancellationToken cancellationToken)
    {
        var limit = Limit ?? PageQuery.DefaultLimit;
        if (Cursor is not null && DecodeCursor(Cursor) is var (at, id))
        {
            activities = activities.Where(a => a.Details.OccurredAt < at || (a.Details.OccurredAt == at && a.Id.CompareTo(id) < 0));
            facts = facts.Where(f => f.OccurredAt < at || (f.OccurredAt == at && f.Id.CompareTo(id) < 0));
        }

        var fromActivities = await activities
            .OrderByDescending(a => a.Details.OccurredAt)
            .ThenByDescending(a => a.Id)
            .Take(limit + 1)
            .ToListAsync(cancellationToken);
        var fromFacts = await facts
            .OrderByDescending(f => f.OccurredAt)
            .ThenByDescending(f => f.Id)
            .Take(limit + 1)
            .ToListAsync(cancellationToken);
        // Guid orders as PostgreSQL's uuid does (byte by byte), so this merge keeps the database's order.
        var rows = fromActivities.Select(a => (At: a.Details.OccurredAt, a.Id, Item: TimelineItem.Of(a)))
            .Concat(fromFacts.Select(f => (At: f.OccurredAt, f.Id, Item: TimelineItem.Of(f))))
            .OrderByDescending(row => row.At)
            .ThenByDescending(row => row.Id)
            .Take(limit + 1)
            .ToList();
        var next = rows.Count > limit ? EncodeCursor(rows[limit - 1].At, rows[limit - 1].Id) : null;
        return new Page<TimelineItem>([.. rows.Take(limit).Select(row => row.Item)], next);
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
