namespace CrmCloud.ServiceDefaults.Security;

/// <summary>The scopes a caller may hold: read and write per business area (api.md).</summary>
public static class Scopes
{
    public static readonly IReadOnlyList<string> Areas = ["contacts", "sales", "campaign", "support", "billing"];

    public static readonly IReadOnlyList<string> All =
        [.. Areas.SelectMany(area => new[] { Read(area), Write(area) })];

    public static string Read(string area) => $"{area}:read";

    public static string Write(string area) => $"{area}:write";
}
