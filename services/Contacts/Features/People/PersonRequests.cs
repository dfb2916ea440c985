using System.Text.Json;
using CrmCloud.Contacts.Features.CustomFields;
using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.People;

/// <summary>
/// A person to create. <c>id</c> may be supplied by the caller for idempotent imports. <c>email</c> and
/// <c>phone</c> are the short way to give one primary address or number; <c>emails</c> and <c>phones</c>
/// give several, with labels — one or the other, not both.
/// </summary>
public sealed record CreatePersonRequest(
    Guid? Id,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? JobTitle,
    Guid? CompanyId = null,
    IReadOnlyList<ContactPointRequest?>? Emails = null,
    IReadOnlyList<ContactPointRequest?>? Phones = null,
    PostalAddress? Address = null,
    string? Language = null,
    ContactChannel? PreferredChannel = null,
    string? Source = null,
    LifecycleStage? LifecycleStage = null,
    Relationship? Relationship = null,
    string? OwnerId = null,
    IReadOnlyList<string?>? Tags = null,
    Demographics? Demographics = null,
    IReadOnlyDictionary<string, JsonElement>? CustomFields = null);

/// <summary>
/// One email address (<c>address</c>) or phone number (<c>number</c>) with an optional label; when none is
/// marked <c>primary</c>, the first one is.
/// </summary>
public sealed record ContactPointRequest(string? Address, string? Number, string? Label, bool? Primary);

public sealed record PersonResponse(
    Guid Id,
    string FirstName,
    string LastName,
    string? Email,
    string? Phone,
    IReadOnlyList<EmailAddress> Emails,
    IReadOnlyList<PhoneNumber> Phones,
    string? JobTitle,
    Guid? CompanyId,
    PostalAddress? Address,
    string? Language,
    ContactChannel? PreferredChannel,
    string? Source,
    LifecycleStage? LifecycleStage,
    Relationship? Relationship,
    string? OwnerId,
    IReadOnlyList<string> Tags,
    Demographics? Demographics,
    IReadOnlyDictionary<string, JsonElement> CustomFields,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static PersonResponse From(Person person)
    {
        var details = person.Details;
        return new(
            person.Id,
            details.FirstName,
            details.LastName,
            details.Email,
            details.Phone,
            details.Emails,
            details.Phones,
            details.JobTitle,
            details.CompanyId,
            details.Address,
            details.Language,
            details.PreferredChannel,
            details.Source,
            details.LifecycleStage,
            details.Relationship,
            details.OwnerId,
            details.Tags,
            details.Demographics,
            details.CustomFields,
            person.CreatedAt,
            person.UpdatedAt,
            person.Version);
    }
}

/// <summary>
/// The rules a person's details follow, on create and on every patch. Whether <c>companyId</c> names a
/// company of the tenant is checked against the database by <see cref="Companies.CompanyLinks"/>.
/// </summary>
public static class PersonRequests
{
    public const int NameLength = 100;
    public const int LabelLength = 30;
    public const int MaxContactPoints = 10;
    public const int SourceLength = 100;
    public const int OwnerIdLength = 64;

    private static readonly DateOnly EarliestBirthDate = new(1900, 1, 1);

    private static readonly HashSet<string> Patchable =
    [
        "firstName", "lastName", "email", "phone", "emails", "phones", "jobTitle", "companyId", "address", "language",
        "preferredChannel", "source", "lifecycleStage", "relationship", "ownerId", "tags", "demographics", CustomFieldSchema.Property,
    ];

    private static readonly HashSet<string> DemographicsPatchable = ["birthDate", "gender", "incomeBand", "purchasePurpose", "paymentMethod"];

    public static PersonDetails? Validate(this CreatePersonRequest request, FieldErrors errors, DateOnly today)
    {
        if (request.Id == Guid.Empty)
        {
            errors.Add("id", "The id must not be the empty UUID.");
        }

        return Normalise(request, errors, today);
    }

    /// <param name="json">The API's JSON options, so ids and enumerations read as they do in a create.</param>
    public static PersonDetails? ApplyPatch(this PersonDetails current, JsonElement body, JsonSerializerOptions json, FieldErrors errors, DateOnly today)
    {
        var patch = MergePatch.Read(body, Patchable, errors);
        if (patch is null)
        {
            return null;
        }

        var patched = new CreatePersonRequest(
            null,
            patch.Text("firstName", current.FirstName, errors),
            patch.Text("lastName", current.LastName, errors),
            null,
            null,
            patch.Text("jobTitle", current.JobTitle, errors),
            patch.Value("companyId", current.CompanyId, json, errors),
            PatchContactPoints(patch, "email", "emails", [.. current.Emails.Select(e => new ContactPointRequest(e.Address, null, e.Label, e.Primary))], json, errors),
            PatchContactPoints(patch, "phone", "phones", [.. current.Phones.Select(p => new ContactPointRequest(null, p.Number, p.Label, p.Primary))], json, errors),
            patch.Nested("address", current.Address, PostalAddress.Patchable, (address, was) => PostalAddress.ApplyPatch(address, was, errors), errors),
            patch.Text("language", current.Language, errors),
            patch.Value("preferredChannel", current.PreferredChannel, json, errors),
            patch.Text("source", current.Source, errors),
            patch.Value("lifecycleStage", current.LifecycleStage, json, errors),
            patch.Value("relationship", current.Relationship, json, errors),
            patch.Text("ownerId", current.OwnerId, errors),
            patch.Value<IReadOnlyList<string?>>("tags", current.Tags, json, errors),
            patch.Nested("demographics", current.Demographics, DemographicsPatchable, (demographics, was) => new Demographics(
                demographics.Value("birthDate", was?.BirthDate, json, errors),
                demographics.Value("gender", was?.Gender, json, errors),
                demographics.Value("incomeBand", was?.IncomeBand, json, errors),
                demographics.Value("purchasePurpose", was?.PurchasePurpose, json, errors),
                demographics.Value("paymentMethod", was?.PaymentMethod, json, errors)), errors));
        return Normalise(patched, errors, today);
    }

    /// <summary>The details the request describes (its id aside), or null with the errors.</summary>
    private static PersonDetails? Normalise(CreatePersonRequest request, FieldErrors errors, DateOnly today)
    {
        var details = new PersonDetails(
            errors.Optional("firstName", request.FirstName, NameLength) ?? "",
            errors.Required("lastName", request.LastName, NameLength) ?? "",
            ContactPoints(errors, "email", request.Email, "emails", request.Emails, "address", p => p.Address, errors.Email, (value, label, primary) => new EmailAddress(value, label, primary)),
            ContactPoints(errors, "phone", request.Phone, "phones", request.Phones, "number", p => p.Number, errors.Phone, (value, label, primary) => new PhoneNumber(value, label, primary)),
            errors.Optional("jobTitle", request.JobTitle, NameLength),
            request.CompanyId,
            PostalAddress.Validate(request.Address, "address", errors),
            errors.LanguageTag("language", request.Language),
            request.PreferredChannel,
            errors.Optional("source", request.Source, SourceLength),
            request.LifecycleStage,
            request.Relationship,
            errors.Optional("ownerId", request.OwnerId, OwnerIdLength),
            errors.Tags("tags", request.Tags),
            Normalise(request.Demographics, errors, today));
        return errors.IsEmpty ? details : null;
    }

    private static Demographics? Normalise(Demographics? demographics, FieldErrors errors, DateOnly today)
    {
        if (demographics?.BirthDate is { } birthDate && (birthDate > today || birthDate < EarliestBirthDate))
        {
            errors.Add("demographics.birthDate", $"A birth date lies between {EarliestBirthDate:yyyy-MM-dd} and today.");
        }

        return demographics is { BirthDate: null, Gender: null, IncomeBand: null, PurchasePurpose: null, PaymentMethod: null } ? null : demographics;
    }

    /// <summary>
    /// A person's email addresses or phone numbers from either the one-value shorthand (<paramref name="single"/>)
    /// or the list (<paramref name="list"/>): each value valid and unique (ignoring case), at most
    /// <see cref="MaxContactPoints"/>, at most one primary, and the first primary when none is marked.
    /// </summary>
    private static T[] ContactPoints<T>(
        FieldErrors errors,
        string singleField,
        string? single,
        string listField,
        IReadOnlyList<ContactPointRequest?>? list,
        string valueField,
        Func<ContactPointRequest, string?> valueOf,
        Func<string, string?, string?> validate,
        Func<string, string?, bool, T> create)
    {
        if (list is null)
        {
            return validate(singleField, single) is { } value ? [create(value, null, true)] : [];
        }

        if (single is not null)
        {
            errors.Add(singleField, $"Give either {singleField} or {listField}, not both.");
        }

        if (list.Count > MaxContactPoints)
        {
            errors.Add(listField, $"At most {MaxContactPoints}.");
        }

        if (list.Count(item => item?.Primary == true) > 1)
        {
            errors.Add(listField, "At most one can be primary.");
        }

        var points = new List<(string Value, string? Label, bool Primary)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var index = 0; index < list.Count; index++)
        {
            var field = $"{listField}[{index}]";
            if (list[index] is not { } item)
            {
                errors.Add(field, "Each item must be a JSON object.");
                continue;
            }

            string? value = null;
            if (string.IsNullOrWhiteSpace(valueOf(item)))
            {
                errors.Add($"{field}.{valueField}", "This field is required.");
            }
            else
            {
                value = validate($"{field}.{valueField}", valueOf(item));
            }

            var label = errors.Optional($"{field}.label", item.Label, LabelLength);
            if (value is not null && !seen.Add(value))
            {
                errors.Add($"{field}.{valueField}", "This is already in the list.");
            }
            else if (value is not null)
            {
                points.Add((value, label, item.Primary == true));
            }
        }

        var primary = points.FindIndex(point => point.Primary) is var marked and >= 0 ? marked : 0;
        return [.. points.Select((point, index) => create(point.Value, point.Label, index == primary))];
    }

    /// <summary>
    /// A patch of the email addresses (or phone numbers) as the list to validate: <c>emails</c> replaces the
    /// list; <c>email</c> changes the primary one — null removes it (the next becomes primary), an address
    /// already listed becomes primary, another replaces the primary's address, keeping its label.
    /// </summary>
    private static IReadOnlyList<ContactPointRequest?> PatchContactPoints(
        MergePatch patch, string singleField, string listField, IReadOnlyList<ContactPointRequest> current, JsonSerializerOptions json, FieldErrors errors)
    {
        if (patch.Has(singleField) && patch.Has(listField))
        {
            errors.Add(singleField, $"Give either {singleField} or {listField}, not both.");
            return current;
        }

        if (patch.Has(listField))
        {
            return patch.Value<IReadOnlyList<ContactPointRequest?>>(listField, current, json, errors) ?? [];
        }

        if (!patch.Has(singleField))
        {
            return current;
        }

        var isEmail = singleField == "email";
        string? ValueOf(ContactPointRequest point) => isEmail ? point.Address : point.Number;
        ContactPointRequest With(ContactPointRequest point, string value) => isEmail ? point with { Address = value } : point with { Number = value };

        var value = patch.Text(singleField, null, errors)?.Trim();
        var primary = current.FirstOrDefault(point => point.Primary == true);
        if (value is null)
        {
            return [.. current.Where(point => point != primary)];
        }

        if (current.FirstOrDefault(point => string.Equals(ValueOf(point), value, StringComparison.OrdinalIgnoreCase)) is { } listed)
        {
            return [.. current.Select(point => point with { Primary = point == listed })];
        }

        return primary is null
            ? [With(new ContactPointRequest(null, null, null, true), value), .. current]
            : [.. current.Select(point => point == primary ? With(point, value) : point)];
    }
}
