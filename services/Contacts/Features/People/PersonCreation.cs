using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrmCloud.Contacts.Features.People;

/// <summary>
/// The one way people are created, by <c>POST /api/v1/people</c> and by each item of
/// <c>POST /api/v1/people/batch</c>: the request's rules, its company within the tenant, then the person
/// added with its <c>ContactCreated</c> event, both saved by the caller in one transaction.
/// </summary>
internal sealed class PersonCreation(ContactsDb db, TimeProvider time)
{
    public const string IdTakenTitle = "The id is taken.";

    /// <summary>Companies already found in the tenant, so a batch naming one company many times asks once.</summary>
    private readonly HashSet<Guid> _companiesFound = [];

    /// <summary>The tenant's custom fields for people, read at the first item and kept for the rest of a batch.</summary>
    private CustomFieldSchema? _customFields;

    /// <summary>The validated details, or null with the reasons in <paramref name="errors"/>.</summary>
    public async Task<PersonDetails?> ValidateAsync(CreatePersonRequest request, FieldErrors errors, CancellationToken cancellationToken)
    {
        _customFields ??= await CustomFieldSchema.LoadAsync(db, CustomFieldEntity.Person, cancellationToken);
        var customFields = _customFields.Validate(request.CustomFields, errors);
        if (request.Validate(errors, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)) is not { } details)
        {
            return null;
        }

        if (details.CompanyId is { } companyId && !_companiesFound.Contains(companyId))
        {
            await CompanyLinks.RequireCompanyAsync(db, "companyId", companyId, errors, cancellationToken);
            if (!errors.IsEmpty)
            {
                return null;
            }

            _companiesFound.Add(companyId);
        }

        return details with { CustomFields = customFields };
    }

    /// <summary>Adds the person and its event to the context; nothing is stored until it saves.</summary>
    public Person Add(CreatePersonRequest request, PersonDetails details)
    {
        var person = Person.Create(db.Tenant.TenantId, request.Id ?? Ids.New(), details, time.GetUtcNow());
        db.People.Add(person);
        db.Publish(person.Created());
        return person;
    }

    public static ProblemHttpResult IdTaken(Guid id) =>
        ApiProblems.Conflict(IdTakenTitle, IdTakenDetail(id));

    public static string IdTakenDetail(Guid id) => $"A resource with id {id} already exists.";
}
