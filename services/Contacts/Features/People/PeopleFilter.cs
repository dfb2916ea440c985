using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.People;

/// <summary>
/// The plain query parameters that narrow a list of people, shared by every way of reading the list (a page
/// at a time, the CSV export): each names the field it filters by, ranges take <c>After</c>/<c>Before</c>
/// suffixes (exclusive), and all of them must hold.
/// </summary>
public sealed record PeopleFilter(
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

    public bool IsEmpty => this == new PeopleFilter(null, null, null, null, null, null, null, null, null, null);

    /// <summary>The people that pass, or null with the parameters that are not valid in <paramref name="errors"/>.</summary>
    public IQueryable<Person>? Apply(IQueryable<Person> people, FieldErrors errors)
    {
        if (Parse<LifecycleStage>("lifecycleStage", LifecycleStage, errors) is { } stage)
        {
            people = people.Where(p => p.Details.LifecycleStage == stage);
        }

        if (Parse<Relationship>("relationship", Relationship, errors) is { } relationship)
        {
            people = people.Where(p => p.Details.Relationship == relationship);
        }

        if (Parse<ContactChannel>("preferredChannel", PreferredChannel, errors) is { } channel)
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

    private static TEnum? Parse<TEnum>(string parameter, string? value, FieldErrors errors)
        where TEnum : struct, Enum
    {
        if (value is null)
        {
            return null;
        }

        if (WireNames<TEnum>.TryParse(value, out var parsed))
        {
            return parsed;
        }

        errors.Add(parameter, $"One of: {string.Join(", ", WireNames<TEnum>.All)}.");
        return null;
    }
}
