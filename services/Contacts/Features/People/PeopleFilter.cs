using System.Data;
using System.Runtime.CompilerServices;
using CrmCloud.Contacts.Features.Search;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.People;

/// <summary>
/// The filters of <c>GET /api/v1/people</c>, bound from its query string and shared with the CSV export, so a filter
/// added here narrows both. <c>q</c> is the typo-tolerant search of <see cref="PeopleSearch"/>.
/// </summary>
public sealed record PeopleFilter(string? Q)
{
    /// <summary>Errors naming the parameters that are not valid; empty when all are.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Q is not null)
        {
            SearchQuery.ParseUnpaged(Q, errors);
        }

        return errors;
    }

    /// <summary>The tenant's people the filter keeps, unordered; a search must run after <see cref="RankedSearch.UseThresholdAsync"/>.</summary>
    public IQueryable<Person> Apply(ContactsDb db)
    {
        var people = Q is not null && SearchQuery.ParseUnpaged(Q, []) is { } search ? PeopleSearch.Matching(db, search) : db.People;
        return people.AsNoTracking();
    }

    /// <summary>
    /// Every person the filter keeps, in creation order, streamed from one snapshot of the database (a repeatable-read
    /// transaction), so an export is consistent however long it takes to write.
    /// </summary>
    public async IAsyncEnumerable<Person> ReadAllAsync(ContactsDb db, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await RankedSearch.UseThresholdAsync(db, cancellationToken);
        await foreach (var person in Apply(db).OrderBy(p => p.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return person;
        }
    }
}
