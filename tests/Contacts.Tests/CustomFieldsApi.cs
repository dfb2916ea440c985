using System.Net.Http.Json;
using System.Text.Json;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>Requests the custom field tests share.</summary>
internal static class CustomFieldsApi
{
    public const string Fields = "/api/v1/custom-fields";

    public static async Task<JsonElement> DefineAsync(HttpClient client, object field)
    {
        var response = await client.PostAsJsonAsync(Fields, field, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await ReadJsonAsync(response);
    }

    /// <summary>One field of each type for <paramref name="entity"/>: nickname, score, since, vip, tier (gold, silver, bronze).</summary>
    public static async Task DefineOneOfEachAsync(HttpClient client, string entity)
    {
        await DefineAsync(client, new { entity, key = "nickname", label = "Nickname", type = "text" });
        await DefineAsync(client, new { entity, key = "score", label = "Score", type = "number" });
        await DefineAsync(client, new { entity, key = "since", label = "Customer since", type = "date" });
        await DefineAsync(client, new { entity, key = "vip", label = "VIP", type = "boolean" });
        await DefineAsync(client, new { entity, key = "tier", label = "Tier", type = "choice", options = new List<string> { "Gold", "Silver", "Bronze" } });
    }

    /// <summary>The errors of a validation problem, by field.</summary>
    public static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response) =>
        (await ReadJsonAsync(response)).GetProperty("errors").Deserialize<Dictionary<string, string[]>>(Json)!;
}
