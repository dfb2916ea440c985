using CrmCloud.Contacts.Features.People;
using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.Merge;

/// <summary>
/// What the survivor of a merge looks like: everything it says wins; what it lacks (custom field values by key
/// too), the duplicate fills in;
/// emails, phones and tags are the union (the survivor's first, its primary ones staying primary) within
/// the limits a single create has.
/// </summary>
public static class MergedDetails
{
    public static PersonDetails With(this PersonDetails survivor, PersonDetails duplicate) => survivor with
    {
        FirstName = survivor.FirstName.Length > 0 ? survivor.FirstName : duplicate.FirstName,
        Emails = Union(survivor.Emails, duplicate.Emails, email => email.Address, email => email with { Primary = false }),
        Phones = Union(survivor.Phones, duplicate.Phones, phone => phone.Number, phone => phone with { Primary = false }),
        JobTitle = survivor.JobTitle ?? duplicate.JobTitle,
        CompanyId = survivor.CompanyId ?? duplicate.CompanyId,
        Address = survivor.Address ?? duplicate.Address,
        Language = survivor.Language ?? duplicate.Language,
        PreferredChannel = survivor.PreferredChannel ?? duplicate.PreferredChannel,
        Source = survivor.Source ?? duplicate.Source,
        LifecycleStage = survivor.LifecycleStage ?? duplicate.LifecycleStage,
        Relationship = survivor.Relationship ?? duplicate.Relationship,
        OwnerId = survivor.OwnerId ?? duplicate.OwnerId,
        Tags = [.. survivor.Tags.Concat(duplicate.Tags).Distinct(StringComparer.OrdinalIgnoreCase).Take(FieldErrors.MaxTags)],
        Demographics = survivor.Demographics is not { } kept ? duplicate.Demographics : kept with
        {
            BirthDate = kept.BirthDate ?? duplicate.Demographics?.BirthDate,
            Gender = kept.Gender ?? duplicate.Demographics?.Gender,
            IncomeBand = kept.IncomeBand ?? duplicate.Demographics?.IncomeBand,
            PurchasePurpose = kept.PurchasePurpose ?? duplicate.Demographics?.PurchasePurpose,
            PaymentMethod = kept.PaymentMethod ?? duplicate.Demographics?.PaymentMethod,
        },
        CustomFields = duplicate.CustomFields
            .Where(value => !survivor.CustomFields.ContainsKey(value.Key))
            .Aggregate(survivor.CustomFields, (kept, value) => kept.With(value.Key, value.Value)),
    };

    private static T[] Union<T>(T[] survivor, T[] duplicate, Func<T, string> valueOf, Func<T, T> secondary)
    {
        var added = duplicate
            .Where(point => !survivor.Any(kept => string.Equals(valueOf(kept), valueOf(point), StringComparison.OrdinalIgnoreCase)))
            .Select(point => survivor.Length == 0 ? point : secondary(point));
        return [.. survivor.Concat(added).Take(PersonRequests.MaxContactPoints)];
    }
}
