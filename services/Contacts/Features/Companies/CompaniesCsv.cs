using System.Globalization;
using CrmCloud.Platform.Api;

namespace CrmCloud.Contacts.Features.Companies;

/// <summary>
/// The columns of <c>GET /api/v1/companies/export</c>, one line per field, headed by the API's field names; lists and
/// objects are JSON.
/// </summary>
public static class CompaniesCsv
{
    public static readonly IReadOnlyList<CsvColumn<Company>> Columns =
    [
        new("id", c => c.Id.ToString()),
        new("name", c => c.Details.Name),
        new("domain", c => c.Details.Domain),
        new("industry", c => c.Details.Industry),
        new("size", c => CsvExport.WireName(c.Details.Size)),
        new("phone", c => c.Details.Phone),
        new("address", c => CsvExport.JsonCell(c.Details.Address)),
        new("parentCompanyId", c => c.Details.ParentCompanyId?.ToString()),
        new("relationship", c => CsvExport.WireName(c.Details.Relationship)),
        new("ownerId", c => c.Details.OwnerId),
        new("tags", c => CsvExport.JsonCell(c.Details.Tags)),
        new("customFields", c => CsvExport.JsonCell(c.Details.CustomFields)),
        new("createdAt", c => CsvExport.Timestamp(c.CreatedAt)),
        new("updatedAt", c => CsvExport.Timestamp(c.UpdatedAt)),
        new("version", c => c.Version.ToString(CultureInfo.InvariantCulture)),
    ];
}
