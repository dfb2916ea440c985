using System.Text.Json.Serialization;
using CrmCloud.Contacts.Features.People;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Privacy;

/// <summary>
/// Everything contacts holds about one person: <c>exportedAt</c>, then one property per
/// <see cref="IPersonExportSection"/> (<c>person</c>, <c>company</c>, ...). A section with nothing to say
/// is left out.
/// </summary>
public sealed record PersonExport(DateTimeOffset ExportedAt)
{
    [JsonExtensionData]
    public Dictionary<string, object> Sections { get; init; } = [];

    public static async Task<PersonExport> ReadAsync(
        ContactsDb db, Person person, IEnumerable<IPersonExportSection> sections, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var export = new PersonExport(now);
        foreach (var section in sections)
        {
            if (await section.ReadAsync(db, person, cancellationToken) is { } content)
            {
                export.Sections.Add(section.Name, content);
            }
        }

        return export;
    }
}

/// <summary>
/// One part of a person's export. A feature that keeps data about people adds its own section with
/// <see cref="PrivacyExtensions.AddPersonExportSection{TSection}"/>; the existing sections stay as they are.
/// </summary>
public interface IPersonExportSection
{
    /// <summary>The section's property in the export, camelCase and unique.</summary>
    string Name { get; }

    /// <returns>The section's content, serialized as the API serializes responses; null leaves it out.</returns>
    Task<object?> ReadAsync(ContactsDb db, Person person, CancellationToken cancellationToken);
}

/// <summary>The person, every field, as <c>GET /api/v1/people/{id}</c> returns it.</summary>
internal sealed class PersonSection : IPersonExportSection
{
    public string Name => "person";

    public Task<object?> ReadAsync(ContactsDb db, Person person, CancellationToken cancellationToken) =>
        Task.FromResult<object?>(PersonResponse.From(person));
}

/// <summary>The company the person works for, when there is one.</summary>
internal sealed class CompanySection : IPersonExportSection
{
    public string Name => "company";

    public async Task<object?> ReadAsync(ContactsDb db, Person person, CancellationToken cancellationToken) =>
        person.Details.CompanyId is { } companyId
            ? await db.Companies.AsNoTracking()
                .Where(c => c.Id == companyId)
                .Select(c => new ExportedCompany(c.Id, c.Details.Name))
                .FirstOrDefaultAsync(cancellationToken)
            : null;
}

public sealed record ExportedCompany(Guid Id, string Name);
