using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text.RegularExpressions;
using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.Search;

/// <summary>
/// <c>?q=&amp;limit=&amp;cursor=</c> on a list that searches. Results are ranked best first, so the cursor is the
/// (rank, id) of the last row of the page rather than an id alone: the next page starts strictly after it, which
/// gives no duplicates and needs no OFFSET. A row whose text changes between pages may move past the cursor and
/// be missed or seen twice; the cursor belongs to the query it came from.
/// </summary>
public sealed partial record SearchQuery(string Text, int Limit, SearchCursor? After)
{
    public const int MinLength = 2;
    public const int MaxLength = 200;

    /// <summary>Fewer digits than this in a phone-like query are too unspecific to search phones by.</summary>
    private const int MinPhoneDigits = 3;

    /// <summary>
    /// The words of the text a person must bear similar words for, split as PostgreSQL's <c>[^[:alnum:]]+</c> splits
    /// people's words (the SearchWords migration); words of one letter are too unspecific to look up.
    /// </summary>
    public IReadOnlyList<string> Terms =>
        [.. NonWordCharacters().Split(Text).Where(term => term.Length > 1).Distinct()];

    /// <summary>The digits of a query that looks like (part of) a phone number, or null.</summary>
    public string? PhoneDigits
    {
        get
        {
            if (!Text.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '.' or '/'))
            {
                return null;
            }

            var digits = new string([.. Text.Where(char.IsAsciiDigit)]);
            return digits.Length >= MinPhoneDigits ? digits : null;
        }
    }

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex NonWordCharacters();

    /// <summary>The search, or null with the errors (naming <c>q</c>, <c>limit</c> or <c>cursor</c>) when the input is invalid.</summary>
    public static SearchQuery? Parse(string q, PageQuery page, Dictionary<string, string[]> errors)
    {
        var text = q.Trim();
        if (text.Length is < MinLength or > MaxLength)
        {
            errors["q"] = [$"The search text must be between {MinLength} and {MaxLength} characters."];
        }

        if (page.Limit is < 1 or > PageQuery.MaxLimit)
        {
            errors["limit"] = [$"The limit must be between 1 and {PageQuery.MaxLimit}."];
        }

        SearchCursor? after = null;
        if (page.Cursor is not null && (after = SearchCursor.Decode(page.Cursor)) is null)
        {
            errors["cursor"] = ["The cursor is not one this search issued."];
        }

        return errors.Count == 0 ? new SearchQuery(text.ToLowerInvariant(), page.Limit ?? PageQuery.DefaultLimit, after) : null;
    }

    /// <summary>A search that reads every match rather than a page (an export), or null with an error naming <c>q</c>.</summary>
    public static SearchQuery? ParseUnpaged(string q, Dictionary<string, string[]> errors) =>
        Parse(q, new PageQuery(null, null), errors) is { } search ? search with { Limit = 0 } : null;
}

/// <summary>The rank and id of the last row of a page of search results, opaque to callers.</summary>
public sealed record SearchCursor(double Rank, Guid Id)
{
    private const int Length = 24;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        BinaryPrimitives.WriteDoubleBigEndian(bytes, Rank);
        Id.TryWriteBytes(bytes[8..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    public static SearchCursor? Decode(string cursor)
    {
        if (!Base64Url.IsValid(cursor, out var length) || length != Length)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[Length];
        if (!Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != Length)
        {
            return null;
        }

        var rank = BinaryPrimitives.ReadDoubleBigEndian(bytes);
        return double.IsFinite(rank) ? new SearchCursor(rank, new Guid(bytes[8..], bigEndian: true)) : null;
    }
}

/// <summary>One row of a ranked search: which resource, and how well it matched.</summary>
public sealed record SearchHit(Guid Id, double Rank);
