using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;

namespace CrmCloud.Contacts.Features.People;

/// <summary>
/// The columns of <c>GET /api/v1/people/export</c>, one line per field. Headers are the API's field names, so an
/// export imports again as it is (<c>POST /api/v1/imports</c> maps columns named after fields by itself, and reads
/// a cell holding JSON as JSON): <c>email</c> and <c>phone</c> are the primary ones, and lists and objects are JSON.
/// </summary>
public static class PeopleCsv
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static readonly IReadOnlyList<CsvColumn<Person>> Columns =
    [
        new("id", p => p.Id.ToString()),
        new("firstName", p => p.Details.FirstName),
        new("lastName", p => p.Details.LastName),
        new("email", p => p.Details.Email),
        new("phone", p => p.Details.Phone),
        new("jobTitle", p => p.Details.JobTitle),
        new("companyId", p => p.Details.CompanyId?.ToString()),
        new("address", p => JsonOrNull(p.Details.Address)),
        new("language", p => p.Details.Language),
        new("preferredChannel", p => WireName(p.Details.PreferredChannel)),
        new("source", p => p.Details.Source),
        new("lifecycleStage", p => WireName(p.Details.LifecycleStage)),
        new("relationship", p => WireName(p.Details.Relationship)),
        new("ownerId", p => p.Details.OwnerId),
        new("tags", p => p.Details.Tags.Length == 0 ? null : JsonSerializer.Serialize(p.Details.Tags, Json)),
        new("demographics", p => JsonOrNull(p.Details.Demographics)),
        new("customFields", p => p.Details.CustomFields.Count == 0 ? null : JsonSerializer.Serialize(p.Details.CustomFields, Json)),
        new("createdAt", p => CsvExport.Timestamp(p.CreatedAt)),
        new("updatedAt", p => CsvExport.Timestamp(p.UpdatedAt)),
        new("version", p => p.Version.ToString(CultureInfo.InvariantCulture)),
    ];

    private static string? JsonOrNull<T>(T? value)
        where T : class => value is null ? null : JsonSerializer.Serialize(value, Json);

    private static string? WireName<TEnum>(TEnum? value)
        where TEnum : struct, Enum => value is { } known ? WireNames<TEnum>.Of(known) : null;
}
