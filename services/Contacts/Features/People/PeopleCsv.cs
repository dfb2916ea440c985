using System.Globalization;
using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.People;

/// <summary>
/// The columns of <c>GET /api/v1/people/export</c>, one line per field. Headers are the API's field names, so an
/// export imports again as it is (<c>POST /api/v1/imports</c> maps columns named after fields by itself, and reads
/// a cell holding JSON as JSON): <c>email</c> and <c>phone</c> are the primary ones, and lists and objects are JSON.
/// </summary>
public static class PeopleCsv
{
    public static readonly IReadOnlyList<CsvColumn<Person>> Columns =
    [
        new("id", p => p.Id.ToString()),
        new("firstName", p => p.Details.FirstName),
        new("lastName", p => p.Details.LastName),
        new("email", p => p.Details.Email),
        new("phone", p => p.Details.Phone),
        new("jobTitle", p => p.Details.JobTitle),
        new("companyId", p => p.Details.CompanyId?.ToString()),
        new("address", p => CsvExport.JsonCell(p.Details.Address)),
        new("language", p => p.Details.Language),
        new("preferredChannel", p => CsvExport.WireName(p.Details.PreferredChannel)),
        new("source", p => p.Details.Source),
        new("lifecycleStage", p => CsvExport.WireName(p.Details.LifecycleStage)),
        new("relationship", p => CsvExport.WireName(p.Details.Relationship)),
        new("ownerId", p => p.Details.OwnerId),
        new("tags", p => CsvExport.JsonCell(p.Details.Tags)),
        new("demographics", p => CsvExport.JsonCell(p.Details.Demographics)),
        new("customFields", p => CsvExport.JsonCell(p.Details.CustomFields)),
        new("createdAt", p => CsvExport.Timestamp(p.CreatedAt)),
        new("updatedAt", p => CsvExport.Timestamp(p.UpdatedAt)),
        new("version", p => p.Version.ToString(CultureInfo.InvariantCulture)),
    ];
}
