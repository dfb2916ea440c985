using System.Text.Json;
using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.People;

/// <summary>
/// The one way a person is changed by a merge patch, by <c>PATCH /api/v1/people/{id}</c> and by an import row that
/// updates: the request's rules, the custom fields against the tenant's definitions, the company within the tenant,
/// then the change with its <c>ContactUpdated</c> event, saved by the caller.
/// </summary>
internal static class PersonPatch
{
    /// <returns>True when the person changed, false when the patch says nothing new, null with the reasons in <paramref name="errors"/>.</returns>
    public static async Task<bool?> ApplyAsync(
        ContactsDb db, Person person, JsonElement patch, JsonSerializerOptions json, DateTimeOffset now, FieldErrors errors, CancellationToken cancellationToken)
    {
        var customFields = await CustomFieldSchema.PatchAsync(db, CustomFieldEntity.Person, person.Details.CustomFields, patch, errors, cancellationToken);
        if (person.Details.ApplyPatch(patch, json, errors, DateOnly.FromDateTime(now.UtcDateTime)) is not { } details)
        {
            return null;
        }

        if (details.CompanyId is { } companyId && companyId != person.Details.CompanyId)
        {
            await CompanyLinks.RequireCompanyAsync(db, "companyId", companyId, errors, cancellationToken);
            if (!errors.IsEmpty)
            {
                return null;
            }
        }

        if (!person.Change(details with { CustomFields = customFields }, now))
        {
            return false;
        }

        db.Publish(person.Updated());
        return true;
    }
}
