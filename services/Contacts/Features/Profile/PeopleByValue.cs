using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Profile;

/// <summary>
/// <c>GET /api/v1/people?sort=-lifetimeValue</c> (best customers first) or <c>?sort=lifetimeValue</c>: every person of
/// the tenant by lifetime revenue in one currency, people without any in it counting as zero, ties by id in the same
/// direction, within the list's filters. Keyset pagination on (value, id): the cursor holds the direction, the currency and the last row's value
/// and id, so every page of one listing uses the same currency. A person whose revenue changes while a caller pages
/// may move past the cursor and be missed or seen twice, as in search.
/// </summary>
public static class PeopleByValue
{
    public const string Ascending = "lifetimeValue";
    public const string Descending = "-lifetimeValue";

    /// <summary>ISO 4217's code for "no currency": the listing's currency when the tenant has no revenue yet.</summary>
    public const string NoCurrency = "XXX";

    /// <summary>For the people list's OpenAPI description.</summary>
    public const string Description =
        " ?sort=-lifetimeValue (or lifetimeValue) lists every person by lifetime revenue instead, best customers first (or last), "
        + "people without revenue at zero, ties by id; ?currency= (ISO 4217) says which currency's revenue, by default the one most of the "
        + "tenant's customers have ordered in (ties: the first alphabetically). Its nextCursor keeps the sort and the currency. "
        + "sort cannot be combined with q; currency needs sort. The value itself is on each person's profile.";

    public static async Task<Results<Ok<Page<PersonResponse>>, ValidationProblem>> ListAsync(
        ContactsDb db, IQueryable<Person> people, PageQuery page, string? sort, string? currency, string? q, CancellationToken cancellationToken)
    {
        var errors = new PageQuery(page.Limit, null).Validate();
        var descending = sort switch
        {
            Descending => true,
            Ascending => false,
            _ => (bool?)null,
        };
        if (sort is null)
        {
            errors["currency"] = [$"The currency is only taken with sort={Descending} or sort={Ascending}."];
        }
        else if (descending is null)
        {
            errors["sort"] = [$"The sort must be {Descending} or {Ascending}."];
        }
        else if (q is not null)
        {
            errors["sort"] = ["Search results are ranked by how well they match; sort cannot be combined with q."];
        }

        var code = Money.CurrencyCode(currency);
        if (currency is not null && code is null)
        {
            errors["currency"] = ["The currency must be an ISO 4217 code such as EUR."];
        }

        ValueCursor? after = null;
        if (page.Cursor is not null)
        {
            after = ValueCursor.Decode(page.Cursor);
            if (after is null || after.Descending != descending || (code is not null && after.Currency != code))
            {
                errors["cursor"] = ["The cursor is not one this listing issued, or was issued for another sort or currency."];
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var listed = after?.Currency ?? code ?? await DefaultCurrencyAsync(db, cancellationToken);
        return TypedResults.Ok(await ReadAsync(db, people, descending!.Value, listed, after, page.Limit ?? PageQuery.DefaultLimit, cancellationToken));
    }

    /// <summary>The currency most of the tenant's customers have revenue in, ties by code; <see cref="NoCurrency"/> when none.</summary>
    public static async Task<string> DefaultCurrencyAsync(ContactsDb db, CancellationToken cancellationToken) =>
        await db.CustomerRevenues
            .GroupBy(r => r.Currency)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key)
            .Select(g => g.Key)
            .FirstOrDefaultAsync(cancellationToken) ?? NoCurrency;

    /// <param name="people">The tenant's people, already filtered.</param>
    private static async Task<Page<PersonResponse>> ReadAsync(
        ContactsDb db, IQueryable<Person> people, bool descending, string currency, ValueCursor? after, int limit, CancellationToken cancellationToken)
    {
        var valued =
            from person in people
            join revenue in db.CustomerRevenues.Where(r => r.Currency == currency) on person.Id equals revenue.PersonId into revenues
            from revenue in revenues.DefaultIfEmpty()
            select new { Person = person, Value = revenue == null ? 0m : revenue.Amount };
        if (after is { } cursor)
        {
            valued = descending
                ? valued.Where(row => row.Value < cursor.Value || (row.Value == cursor.Value && row.Person.Id.CompareTo(cursor.Id) < 0))
                : valued.Where(row => row.Value > cursor.Value || (row.Value == cursor.Value && row.Person.Id.CompareTo(cursor.Id) > 0));
        }

        var ordered = descending
            ? valued.OrderByDescending(row => row.Value).ThenByDescending(row => row.Person.Id)
            : valued.OrderBy(row => row.Value).ThenBy(row => row.Person.Id);
        var rows = await ordered.Take(limit + 1).ToListAsync(cancellationToken);
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? new ValueCursor(descending, currency, page[^1].Value, page[^1].Person.Id).Encode() : null;
        return new Page<PersonResponse>([.. page.Select(row => PersonResponse.From(row.Person))], next);
    }
}

/// <summary>Where a page of people by value ended, opaque to callers.</summary>
public sealed record ValueCursor(bool Descending, string Currency, decimal Value, Guid Id)
{
    private const int Length = 1 + 3 + 16 + 16;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Descending ? (byte)1 : (byte)0;
        Encoding.ASCII.GetBytes(Currency, bytes[1..4]);
        Span<int> parts = stackalloc int[4];
        decimal.GetBits(Value, parts);
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes[(4 + (i * 4))..], parts[i]);
        }

        Id.TryWriteBytes(bytes[20..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    public static ValueCursor? Decode(string cursor)
    {
        if (!Base64Url.IsValid(cursor, out var length) || length != Length)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[Length];
        if (!Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != Length || bytes[0] > 1)
        {
            return null;
        }

        var currency = Money.CurrencyCode(Encoding.ASCII.GetString(bytes[1..4]));
        Span<int> parts = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            parts[i] = BinaryPrimitives.ReadInt32BigEndian(bytes[(4 + (i * 4))..]);
        }

        decimal value;
        try
        {
            value = new decimal(parts);
        }
        catch (ArgumentException)
        {
            return null;
        }

        return currency is null ? null : new ValueCursor(bytes[0] == 1, currency, value, new Guid(bytes[20..], bigEndian: true));
    }
}
