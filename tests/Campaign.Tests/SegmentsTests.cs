using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace CrmCloud.Campaign.Tests;

public sealed class SegmentsTests(CampaignApi api) : IClassFixture<CampaignApi>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Conditions => new()
    {
        { """{"all":[{"field":"lifecycleStage","operator":"in","values":["Customer"]}]}""", "Ada,Cleo,Dan" },
        { """{"all":[{"field":"country","operator":"notIn","values":["de"]}]}""", "Ben,Dan" },
        { """{"all":[{"field":"tags","operator":"hasAll","values":["vip","newsletter"]}]}""", "Cleo" },
        { """{"all":[{"field":"tags","operator":"hasAny","values":["vip"]}]}""", "Ada,Cleo" },
        { """{"all":[{"field":"tags","operator":"hasNone","values":["vip"]}]}""", "Ben,Dan" },
        { """{"all":[{"field":"age","operator":"between","min":30,"max":40}]}""", "Ada" },
        { """{"all":[{"field":"age","operator":"between","min":60}]}""", "Cleo" },
        { """{"all":[{"field":"customField","key":"tier","operator":"gte","value":2}]}""", "Ada" },
        { """{"all":[{"field":"customField","key":"plan","operator":"eq","value":"gold"}]}""", "Ada" },
        { """{"all":[{"field":"customField","key":"tier","operator":"exists"}]}""", "Ada,Ben" },
        { """{"all":[{"field":"totalSpend","operator":"gte","value":{"amount":"100.00","currency":"EUR"}}]}""", "Ada" },
        { """{"all":[{"field":"totalSpend","operator":"gt","value":{"amount":"0","currency":"USD"}}]}""", "" },
        { """{"all":[{"field":"lastOrder","operator":"before","value":"2026-03-01T00:00:00Z"}]}""", "Ada" },
        { """{"all":[{"field":"lastOrder","operator":"after","value":"2026-03-01T00:00:00Z"}]}""", "Cleo" },
        { """{"all":[{"field":"lastOrder","operator":"none"}]}""", "Ben,Dan" },
        { """{"all":[{"field":"openTickets","operator":"gte","value":1}]}""", "Ben" },
        // Those without orders or tickets count as 0: they are in when 0 satisfies the condition.
        { """{"all":[{"field":"totalSpend","operator":"lt","value":{"amount":"100.00","currency":"EUR"}}]}""", "Ben,Cleo,Dan" },
        { """{"all":[{"field":"openTickets","operator":"eq","value":0}]}""", "Ada,Cleo,Dan" },
        { """{"all":[{"field":"lifecycleStage","operator":"in","values":["customer"]},{"any":[{"field":"country","operator":"in","values":["US"]},{"field":"age","operator":"between","min":30,"max":40}]}]}""", "Ada,Dan" },
        { """{"any":[{"all":[{"field":"tags","operator":"hasAny","values":["vip"]},{"field":"country","operator":"in","values":["DE"]},{"field":"lastOrder","operator":"after","value":"2026-03-01T00:00:00Z"}]},{"field":"openTickets","operator":"gt","value":0}]}""", "Ben,Cleo" },
    };

    [Theory]
    [MemberData(nameof(Conditions))]
    public async Task Each_condition_and_nesting_selects_the_labelled_people(string criteria, string expected)
    {
        var audience = await Seeded();
        var client = api.ClientFor(audience.Tenant);
        var created = await client.PostAsJsonAsync("/api/v1/segments", new { name = "Test", criteria = JsonDocument.Parse(criteria).RootElement }, cancellationToken: Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await CampaignApi.ReadAsync(created)).GetProperty("id").GetGuid();

        var members = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/segments/{id}/members?limit=2", Token));
        var names = members.GetProperty("items").EnumerateArray().Select(m => audience.NameOf(m.GetProperty("personId").GetGuid())).ToList();
        if (members.TryGetProperty("nextCursor", out var cursor) && cursor.ValueKind == JsonValueKind.String)
        {
            var next = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/segments/{id}/members?limit=2&cursor={cursor.GetString()}", Token));
            names.AddRange(next.GetProperty("items").EnumerateArray().Select(m => audience.NameOf(m.GetProperty("personId").GetGuid())));
        }

        Assert.Equal(expected, string.Join(",", names.Order()));
        var count = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/segments/{id}/count", Token));
        Assert.Equal(names.Count, count.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Bad_criteria_are_refused_with_the_path_of_each_bad_condition()
    {
        var client = api.ClientFor($"tenant-{Guid.NewGuid():N}");
        var criteria = JsonDocument.Parse(
            """
            {"all":[
              {"field":"lifecycleStage","operator":"in","values":["customer"]},
              {"any":[{"field":"shoeSize","operator":"eq"},{"field":"tags","operator":"contains","values":["x"]}]},
              {"field":"country","operator":"in","values":["XX"]},
              {"field":"totalSpend","operator":"gte","value":{"amount":"lots","currency":"EUR"}},
              {"field":"customField","key":"tier","operator":"gt","value":true},
              {"all":[]}
            ]}
            """).RootElement;
        var response = await client.PostAsJsonAsync("/api/v1/segments", new { name = "Bad", criteria }, cancellationToken: Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await CampaignApi.ReadAsync(response)).GetProperty("errors");
        foreach (var path in new[] { "criteria.all[1].any[0].field", "criteria.all[1].any[1].operator", "criteria.all[2].values[0]", "criteria.all[3].value", "criteria.all[4].value", "criteria.all[5].all" })
        {
            Assert.True(errors.TryGetProperty(path, out _), $"expected a problem at {path}, got {errors}");
        }

        Assert.False(errors.TryGetProperty("criteria.all[0].values", out _));
        var missing = await client.PostAsJsonAsync("/api/v1/segments", new { name = "No criteria" }, cancellationToken: Token);
        Assert.True((await CampaignApi.ReadAsync(missing)).GetProperty("errors").TryGetProperty("criteria", out _));
    }

    [Fact]
    public async Task A_value_that_looks_like_sql_is_only_ever_a_value()
    {
        var audience = await Seeded();
        var client = api.ClientFor(audience.Tenant);
        var criteria = JsonDocument.Parse("""{"any":[{"field":"lifecycleStage","operator":"in","values":["x' OR '1'='1"]},{"field":"customField","key":"tier') OR true --","operator":"exists"}]}""").RootElement;
        var created = await CampaignApi.ReadAsync(await client.PostAsJsonAsync("/api/v1/segments", new { name = "Injection", criteria }, cancellationToken: Token));
        var count = await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/segments/{created.GetProperty("id").GetGuid()}/count", Token));
        Assert.Equal(0, count.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task A_static_segment_holds_the_people_added_to_its_list_once()
    {
        var audience = await Seeded();
        var client = api.ClientFor(audience.Tenant);
        var segment = await CampaignApi.ReadAsync(await client.PostAsJsonAsync("/api/v1/segments", new { name = "Hand picked", kind = "static" }, cancellationToken: Token));
        var id = segment.GetProperty("id").GetGuid();

        var added = await CampaignApi.ReadAsync(await client.PostAsJsonAsync($"/api/v1/segments/{id}/list", new { personIds = new[] { audience.Ada, audience.Dan, audience.Ada } }, cancellationToken: Token));
        Assert.Equal(2, added.GetProperty("added").GetInt32());
        var again = await CampaignApi.ReadAsync(await client.PostAsJsonAsync($"/api/v1/segments/{id}/list", new { personIds = new[] { audience.Dan } }, cancellationToken: Token));
        Assert.Equal(0, again.GetProperty("added").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/segments/{id}/list/{audience.Dan}", Token)).StatusCode);
        Assert.Equal(1, (await CampaignApi.ReadAsync(await client.GetAsync($"/api/v1/segments/{id}/count", Token))).GetProperty("count").GetInt64());

        var withCriteria = await client.PostAsJsonAsync("/api/v1/segments", new { name = "Both", kind = "static", criteria = new { all = Array.Empty<object>() } }, cancellationToken: Token);
        Assert.Equal(HttpStatusCode.BadRequest, withCriteria.StatusCode);
    }

    [Fact]
    public async Task Another_tenant_gets_404_for_the_segment_and_its_members()
    {
        var client = api.ClientFor($"tenant-{Guid.NewGuid():N}");
        var segment = await CampaignApi.ReadAsync(await client.PostAsJsonAsync("/api/v1/segments", new { name = "Mine", kind = "static" }, cancellationToken: Token));
        var id = segment.GetProperty("id").GetGuid();
        var stranger = api.ClientFor($"tenant-{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/segments/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/segments/{id}/members", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/v1/segments/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/segments/{id}", Token)).StatusCode);
    }

    private static LabelledAudience? _seeded;
    private static readonly SemaphoreSlim SeedOnce = new(1, 1);

    /// <summary>One labelled audience for the class: its tenant is read, never changed, by the tests.</summary>
    private async Task<LabelledAudience> Seeded()
    {
        await SeedOnce.WaitAsync();
        try
        {
            return _seeded ??= await LabelledAudience.SeedAsync(api);
        }
        finally
        {
            SeedOnce.Release();
        }
    }
}
