using System.Net;
using System.Text;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>GET /api/v1/people/export: every matching person as streamed CSV.</summary>
public sealed class ExportTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    [Fact]
    public async Task The_whole_model_exports_as_cells_that_import_again_and_filters_apply()
    {
        var client = api.ClientFor(NewTenant());
        await CreatePersonAsync(client, new { lastName = "Left", lifecycleStage = "lead" });
        var kept = await CreatePersonAsync(client, new
        {
            lastName = "Kept",
            lifecycleStage = "customer",
            tags = new List<string> { "vip" },
            address = new { city = "Paris", country = "FR" },
            demographics = new { incomeBand = "high" },
        });

        var lines = await LinesAsync(await client.GetAsync("/api/v1/people/export?lifecycleStage=customer", TestContext.Current.CancellationToken));

        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{kept.GetProperty("id").GetGuid()},,Kept,,,,,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",customer,", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"[\"\"vip\"\"]\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"{\"\"city\"\":\"\"Paris\"\",\"\"country\"\":\"\"FR\"\"}\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"{\"\"incomeBand\"\":\"\"high\"\"}\"", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Companies_export_with_the_lists_filters_and_only_the_tenants_own()
    {
        var client = api.ClientFor(NewTenant());
        var acme = await CreateCompanyAsync(client, new { name = "Acme", size = "51-200", tags = new List<string> { "=cmd", "vip" }, address = new { city = "Leeds", country = "GB" } });
        await CreateCompanyAsync(client, new { name = "Globex" });
        await CreateCompanyAsync(api.ClientFor(NewTenant()), new { name = "Acme" });

        var all = await LinesAsync(await client.GetAsync("/api/v1/companies/export", TestContext.Current.CancellationToken));
        var named = await LinesAsync(await client.GetAsync("/api/v1/companies/export?name=acme", TestContext.Current.CancellationToken));
        var searched = await client.GetAsync("/api/v1/companies/export?q=acme", TestContext.Current.CancellationToken);

        Assert.Equal("id,name,domain,industry,size,phone,address,parentCompanyId,relationship,ownerId,tags,customFields,createdAt,updatedAt,version", all[0]);
        Assert.Equal(3, all.Length);
        Assert.Equal(2, named.Length);
        Assert.StartsWith($"{acme.GetProperty("id").GetGuid()},Acme,,,51-200,,", named[1], StringComparison.Ordinal);
        Assert.Contains("\"[\"\"=cmd\"\",\"\"vip\"\"]\"", named[1], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, searched.StatusCode);
        Assert.True((await ReadJsonAsync(searched)).GetProperty("errors").TryGetProperty("q", out _));
    }

    private const string Header = "id,firstName,lastName,email,phone,jobTitle,companyId,address,language,preferredChannel,source,lifecycleStage,relationship,ownerId,tags,demographics,customFields,createdAt,updatedAt,version";

    [Fact]
    public async Task The_export_has_a_header_row_and_one_row_per_person_in_creation_order()
    {
        var client = api.ClientFor(NewTenant());
        var ada = await CreatePersonAsync(client, new { firstName = "Ada", lastName = "Lovelace", email = "ada@example.com", jobTitle = "Analyst" });
        var grace = await CreatePersonAsync(client, new { firstName = "Grace", lastName = "Hopper" });

        var response = await client.GetAsync("/api/v1/people/export", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("people.csv", response.Content.Headers.ContentDisposition?.FileName);
        var lines = await LinesAsync(response);
        Assert.Equal(3, lines.Length);
        Assert.Equal(Header, lines[0]);
        Assert.StartsWith($"{ada.GetProperty("id").GetGuid()},Ada,Lovelace,ada@example.com,,Analyst,,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("Z,1", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{grace.GetProperty("id").GetGuid()},Grace,Hopper,,,,,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cells_with_commas_quotes_and_line_breaks_are_quoted_as_RFC_4180_says()
    {
        var client = api.ClientFor(NewTenant());
        await CreatePersonAsync(client, new { firstName = "Ada, Countess", lastName = "\"The\" Enchantress", jobTitle = "Line\nBreak" });

        var body = await (await client.GetAsync("/api/v1/people/export", TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(body.Contains(",\"Ada, Countess\",\"\"\"The\"\" Enchantress\",,,\"Line\nBreak\",", StringComparison.Ordinal), body);
        Assert.EndsWith("\r\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cells_a_spreadsheet_would_run_as_formulas_are_prefixed_with_an_apostrophe()
    {
        var client = api.ClientFor(NewTenant());
        await CreatePersonAsync(client, new { firstName = "=HYPERLINK(\"http://evil\")", lastName = "@SUM(A1)", jobTitle = "+1+1", phone = "-1" });

        var lines = await LinesAsync(await client.GetAsync("/api/v1/people/export", TestContext.Current.CancellationToken));

        var cells = lines[1].Split(',');
        Assert.Equal("\"'=HYPERLINK(\"\"http://evil\"\")\"", cells[1]);
        Assert.Equal("\"'@SUM(A1)\"", cells[2]);
        Assert.Equal("\"'-1\"", cells[4]);
        Assert.Equal("\"'+1+1\"", cells[5]);
    }

    [Fact]
    public async Task The_export_keeps_only_the_people_the_search_finds()
    {
        var client = api.ClientFor(NewTenant());
        await CreatePersonAsync(client, new { firstName = "Ada", lastName = "Lovelace" });
        await CreatePersonAsync(client, new { firstName = "Grace", lastName = "Hopper" });

        var lines = await LinesAsync(await client.GetAsync("/api/v1/people/export?q=lovlace", TestContext.Current.CancellationToken));

        Assert.Equal(2, lines.Length);
        Assert.Contains(",Ada,Lovelace,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_filter_is_a_400_naming_q()
    {
        var response = await api.ClientFor(NewTenant()).GetAsync("/api/v1/people/export?q=a", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty("errors").TryGetProperty("q", out _));
    }

    [Fact]
    public async Task Another_tenants_people_are_not_exported()
    {
        var owner = api.ClientFor(NewTenant());
        await CreatePersonAsync(owner, new { firstName = "Ada", lastName = "Lovelace" });
        var stranger = api.ClientFor(NewTenant());

        var all = await LinesAsync(await stranger.GetAsync("/api/v1/people/export", TestContext.Current.CancellationToken));
        var searched = await LinesAsync(await stranger.GetAsync("/api/v1/people/export?q=lovelace", TestContext.Current.CancellationToken));

        Assert.Equal([Header], all);
        Assert.Equal([Header], searched);
    }

    [Fact]
    public async Task Many_people_stream_out_whole()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var batch = new { items = Enumerable.Range(0, 500).Select(i => new { lastName = $"Person {i}", email = $"p{i}@example.com" }) };
        for (var round = 0; round < 4; round++)
        {
            (await client.PostAsync("/api/v1/people/batch", System.Net.Http.Json.JsonContent.Create(batch), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        var lines = await LinesAsync(await client.GetAsync("/api/v1/people/export", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken));

        Assert.Equal(2001, lines.Length);
        Assert.Equal(2000, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
    }

    private static async Task<string[]> LinesAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }
}
