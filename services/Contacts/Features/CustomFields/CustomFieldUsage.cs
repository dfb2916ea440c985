using System.Text.Json;
using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.People;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.CustomFields;

/// <summary>
/// The values a field has on the tenant's people or companies: whether an option is in use, and taking a field's
/// values off every record when the field is deleted. Both go through the tenant filter and the GIN index on
/// <c>custom_fields</c>.
/// </summary>
/// <remarks>
/// A record written in the same instant as one of these reads (a patch that read the definitions just before the
/// delete committed) can slip past it and keep a value of a field that is gone, as a company link can (see
/// <see cref="CompanyLinks"/>). Such a value is still shown and sent, and a patch may remove it with null; it is never
/// validated again, and range filters skip a value of the wrong type rather than fail on it.
/// </remarks>
internal static class CustomFieldUsage
{
    public static Task<bool> IsInUseAsync(ContactsDb db, CustomFieldDefinition field, string option, CancellationToken cancellationToken)
    {
        // As JSON text: the parameter is sent as jsonb, the column's own conversion does not apply to it.
        var holding = CustomFieldValues.None.With(field.Key, JsonSerializer.SerializeToElement(option)).ToJson();
        return field.Entity == CustomFieldEntity.Person
            ? db.People.AnyAsync(p => EF.Functions.JsonContains(p.Details.CustomFields, holding), cancellationToken)
            : db.Companies.AnyAsync(c => EF.Functions.JsonContains(c.Details.CustomFields, holding), cancellationToken);
    }

    /// <summary>
    /// Takes <paramref name="field"/>'s value off every record that has one, each change with its
    /// <c>ContactUpdated</c> or <c>CompanyUpdated</c>, so copies elsewhere drop the value too. Nothing is saved:
    /// the caller saves it with the field's removal, in one transaction.
    /// </summary>
    /// <returns>How many records lose a value.</returns>
    public static async Task<int> RemoveValuesAsync(ContactsDb db, CustomFieldDefinition field, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = field.Key;
        if (field.Entity == CustomFieldEntity.Person)
        {
            var people = await db.People.Where(p => EF.Functions.JsonExists(p.Details.CustomFields, key)).ToListAsync(cancellationToken);
            foreach (var person in people)
            {
                person.Change(person.Details with { CustomFields = person.Details.CustomFields.Without(key) }, now);
                db.Publish(person.Updated());
            }

            return people.Count;
        }

        var companies = await db.Companies.Where(c => EF.Functions.JsonExists(c.Details.CustomFields, key)).ToListAsync(cancellationToken);
        foreach (var company in companies)
        {
            company.Change(company.Details with { CustomFields = company.Details.CustomFields.Without(key) }, now);
            db.Publish(company.Updated());
        }

        return companies.Count;
    }
}
