using System.Text.Json;
using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.People;

/// <summary>A person to create. <c>id</c> may be supplied by the caller for idempotent imports.</summary>
public sealed record CreatePersonRequest(
    Guid? Id,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? JobTitle,
    Guid? CompanyId = null,
    IReadOnlyDictionary<string, JsonElement>? CustomFields = null);

public sealed record PersonResponse(
    Guid Id,
    string FirstName,
    string LastName,
    string? Email,
    string? Phone,
    string? JobTitle,
    Guid? CompanyId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    IReadOnlyDictionary<string, JsonElement> CustomFields)
{
    public static PersonResponse From(Person person) => new(
        person.Id,
        person.Details.FirstName,
        person.Details.LastName,
        person.Details.Email,
        person.Details.Phone,
        person.Details.JobTitle,
        person.Details.CompanyId,
        person.CreatedAt,
        person.UpdatedAt,
        person.Version,
        person.Details.CustomFields);
}

/// <summary>
/// The rules a person's details follow, on create and on every patch. Whether <c>companyId</c> names a
/// company of the tenant is checked against the database by <see cref="Companies.CompanyLinks"/>.
/// </summary>
public static class PersonRequests
{
    public const int NameLength = 100;

    private static readonly HashSet<string> Patchable = ["firstName", "lastName", "email", "phone", "jobTitle", "companyId", CustomFieldSchema.Property];

    public static PersonDetails? Validate(this CreatePersonRequest request, FieldErrors errors)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        return Validate(request.FirstName, request.LastName, request.Email, request.Phone, request.JobTitle, request.CompanyId, errors);
    }

    /// <param name="json">The API's JSON options, so ids read as they do in a create.</param>
    public static PersonDetails? ApplyPatch(this PersonDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        return Validate(
            patch.Text("firstName", current.FirstName, errors),
            patch.Text("lastName", current.LastName, errors),
            patch.Text("email", current.Email, errors),
            patch.Text("phone", current.Phone, errors),
            patch.Text("jobTitle", current.JobTitle, errors),
            patch.Value("companyId", current.CompanyId, json, errors),
            errors);
    }

    private static PersonDetails? Validate(string? firstName, string? lastName, string? email, string? phone, string? jobTitle, Guid? companyId, FieldErrors errors)
    {
        var details = new PersonDetails(
            errors.Optional("firstName", firstName, NameLength) ?? "",
            errors.Required("lastName", lastName, NameLength) ?? "",
            errors.Email("email", email),
            errors.Phone("phone", phone),
            errors.Optional("jobTitle", jobTitle, NameLength),
            companyId);
        return errors.IsEmpty ? details : null;
    }
}
