using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Contacts.Features.Search;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.People;

/// <summary>
/// The query parameters that narrow a list of people, shared by every way of reading the list (a page at a
/// time, sorted by value, the CSV export), so a filter added here narrows them all: each names the field it
/// filters by, ranges take <c>After</c>/<c>Before</c> suffixes (exclusive), custom fields come as
/// <c>customFields.&lt;key&gt;</c> (<see cref="CustomFieldFilter"/>), and all of them must hold. <c>q</c> is the
/// typo-tolerant search of <see cref="PeopleSearch"/>, which stands alone.
/// </summary>
public sealed record PeopleFilter(
    string? Q,
    string? LifecycleStage,
    string? Relationship,
    string? PreferredChannel,
    string? OwnerId,
    Guid? CompanyId,
    string? Tag,
    DateTimeOffset? CreatedAfter,
    DateTimeOffset? CreatedBefore,
    DateTimeOffset? UpdatedAfter,
    DateTimeOffset? UpdatedBefore)
{
    public const string Description =
        "Filters, all of which must hold: lifecycleStage, relationship, preferredChannel (their lower-case values), ownerId, companyId, "
        + "tag (people carrying the tag), createdAfter/createdBefore and updatedAfter/updatedBefore (ISO 8601 timestamps, exclusive).";

    /// <summary>Whether a filter other than <c>q</c> is given.</summary>
    private bool HasFieldFilters => this with { Q = null } != new PeopleFilter(null, null, null, null, null, null, null, null, null, null, null);

    /// <summary>
    /// The tenant's people that pass, unordered; null with the parameters that are not valid in
    /// <paramref name="errors"/>. <paramref name="query"/> is the request's, for the custom field filters.
    /// </summary>
    public async Task<IQueryable<Person>?> ApplyAsync(ContactsDb db, IQueryCollection query, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var fieldErrors = new FieldErrors();
        var people = Apply(db.People.AsNoTracking(), fieldErrors);
        foreach (var (parameter, messages) in fieldErrors.ToDictionary())
        {
            errors[parameter] = messages;
        }

        if (Q is not null)
        {
            if (HasFieldFilters)
            {
                errors["q"] = ["A search does not combine with filters; give one or the other."];
            }

            CustomFieldFilter.RefuseWithSearch(query, errors);
            return SearchQuery.ParseUnpaged(Q, errors) is { } search && errors.Count == 0 ? PeopleSearch.Matching(db, search) : null;
        }

        var customFields = await CustomFieldFilter.ReadAsync(db, CustomFieldEntity.Person, query, errors, cancellationToken);
        return people is not null && errors.Count == 0 ? customFields.ApplyTo(people) : null;
    }

    /// <summary>
    /// Every person of <paramref name="people"/> (from <see cref="ApplyAsync"/>), in creation order, streamed from one
    /// snapshot of the database, so an export is consistent however long it takes.
    /// </summary>
    public IAsyncEnumerable<Person> ReadAllAsync(ContactsDb db, IQueryable<Person> people, CancellationToken cancellationToken) =>
        db.ReadInSnapshotAsync(people.OrderBy(p => p.Id), Q is null ? null : token => RankedSearch.UseSearchSettingsAsync(db, token), cancellationToken);

    private IQueryable<Person>? Apply(IQueryable<Person> people, FieldErrors errors)
    {
        if (errors.OneOf<LifecycleStage>("lifecycleStage", LifecycleStage) is { } stage)
        {
            people = people.Where(p => p.Details.LifecycleStage == stage);
        }

        if (errors.OneOf<Relationship>("relationship", Relationship) is { } relationship)
        {
            people = people.Where(p => p.Details.Relationship == relationship);
        }

        if (errors.OneOf<ContactChannel>("preferredChannel", PreferredChannel) is { } channel)
        {
            people = people.Where(p => p.Details.PreferredChannel == channel);
        }

        if (OwnerId is not null)
        {
            people = people.Where(p => p.Details.OwnerId == OwnerId);
        }

        if (CompanyId is { } companyId)
        {
            people = people.Where(p => p.Details.CompanyId == companyId);
        }

        if (Tag is not null)
        {
            people = people.Where(p => p.Details.Tags.Contains(Tag));
        }

        if (CreatedAfter is { } createdAfter)
        {
            var utc = createdAfter.ToUniversalTime();
            people = people.Where(p => p.CreatedAt > utc);
        }

        if (CreatedBefore is { } createdBefore)
        {
            var utc = createdBefore.ToUniversalTime();
            people = people.Where(p => p.CreatedAt < utc);
        }

        if (UpdatedAfter is { } updatedAfter)
        {
            var utc = updatedAfter.ToUniversalTime();
            people = people.Where(p => p.UpdatedAt > utc);
        }

        if (UpdatedBefore is { } updatedBefore)
        {
            var utc = updatedBefore.ToUniversalTime();
            people = people.Where(p => p.UpdatedAt < utc);
        }

        return errors.IsEmpty ? people : null;
    }
}
