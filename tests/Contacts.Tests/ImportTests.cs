using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>POST /api/v1/imports and the background worker that runs the jobs.</summary>
public sealed class ImportTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private const string ContactCreated = "CrmCloud.Contracts.Contacts.ContactCreated";
    private const string ContactUpdated = "CrmCloud.Contracts.Contacts.ContactUpdated";

    [Fact]
    public async Task Good_rows_are_imported_and_the_job_completes()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        const string Csv = "First Name,Last Name,Email,Phone,Job Title\r\nAda,Lovelace,ada@example.com,+44 20 7946 0000,Analyst\r\nGrace,Hopper,grace@example.com,,Admiral\r\n";

        var response = await PostImportAsync(client, Csv);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = await ReadJsonAsync(response);
        Assert.Equal($"/api/v1/imports/{queued.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        Assert.Equal(2, queued.GetProperty("rows").GetInt32());
        var job = await CompletedAsync(client, response.Headers.Location!.OriginalString);
        Assert.Equal(2, job.GetProperty("created").GetInt32());
        Assert.Equal(2, job.GetProperty("processedRows").GetInt32());
        Assert.Equal(0, job.GetProperty("failed").GetInt32());
        Assert.Empty(job.GetProperty("errors").EnumerateArray());
        var ada = (await ReadJsonAsync(await client.GetAsync("/api/v1/people?q=lovelace", TestContext.Current.CancellationToken)))
            .GetProperty("items").EnumerateArray().Single();
        Assert.Equal("Ada", ada.GetProperty("firstName").GetString());
        Assert.Equal("+44 20 7946 0000", ada.GetProperty("phone").GetString());
        Assert.Equal("Analyst", ada.GetProperty("jobTitle").GetString());
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM import_files WHERE tenant_id = $1", tenant));
    }

    [Fact]
    public async Task Bad_rows_are_reported_with_their_row_and_field_while_the_rest_import()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var csv = string.Join("\r\n",
            "firstName,lastName,email",
            "Ada,Lovelace,ada@example.com",
            "Bad,Email,not-an-email",
            "No,,nolast@example.com",
            "Quote,Mis\"placed,quote@example.com",
            "Too,Many,fields@example.com,extra",
            "\"Multi\r\nLine\",\"Last, Comma\",multi@example.com",
            "Grace,Hopper,grace@example.com") + "\r\n";

        var job = await CompletedAsync(client, (await PostImportAsync(client, csv)).Headers.Location!.OriginalString);

        Assert.Equal(7, job.GetProperty("rows").GetInt32());
        Assert.Equal(3, job.GetProperty("created").GetInt32());
        Assert.Equal(4, job.GetProperty("failed").GetInt32());
        var errors = job.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(3, "email"), (4, "lastName"), (5, "row"), (6, "row")], errors);
        Assert.Equal(4, job.GetProperty("errorCount").GetInt32());
        Assert.Equal(3, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1 AND first_name = $2 AND last_name = $3", tenant, "Multi\r\nLine", "Last, Comma"));
    }

    [Fact]
    public async Task Dedupe_skip_leaves_the_person_with_that_email_as_it_is()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var existing = await CreatePersonAsync(client, new { firstName = "Ada", lastName = "Lovelace", email = "ada@example.com", jobTitle = "Analyst" });

        var job = await CompletedAsync(client, (await PostImportAsync(client, "lastName,email,jobTitle\r\nByron,ADA@example.com,Poet\r\nNew,new@example.com,\r\nAgain,new@example.com,\r\n", dedupe: "skip")).Headers.Location!.OriginalString);

        Assert.Equal(1, job.GetProperty("created").GetInt32());
        Assert.Equal(2, job.GetProperty("skipped").GetInt32());
        var person = await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{existing.GetProperty("id").GetGuid()}", TestContext.Current.CancellationToken));
        Assert.Equal("Analyst", person.GetProperty("jobTitle").GetString());
        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
    }

    [Fact]
    public async Task Dedupe_update_changes_the_person_with_that_email_to_the_rows_non_blank_cells()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var existing = await CreatePersonAsync(client, new { firstName = "Ada", lastName = "Lovelace", email = "ada@example.com", phone = "+44 1" });
        var id = existing.GetProperty("id").GetGuid();

        var job = await CompletedAsync(client, (await PostImportAsync(client, "lastName,email,phone,jobTitle\r\nKing,Ada@Example.com,,Countess\r\n", dedupe: "update")).Headers.Location!.OriginalString);

        Assert.Equal(1, job.GetProperty("updated").GetInt32());
        Assert.Equal(0, job.GetProperty("created").GetInt32());
        var person = await ReadJsonAsync(await client.GetAsync($"/api/v1/people/{id}", TestContext.Current.CancellationToken));
        Assert.Equal("King", person.GetProperty("lastName").GetString());
        Assert.Equal("Countess", person.GetProperty("jobTitle").GetString());
        Assert.Equal("+44 1", person.GetProperty("phone").GetString());
        Assert.Equal("Ada", person.GetProperty("firstName").GetString());
        Assert.Equal(2, person.GetProperty("version").GetInt64());
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'personId' = $2", ContactUpdated, id.ToString()));
    }

    [Fact]
    public async Task Dedupe_create_adds_another_person_with_the_same_email()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        await CreatePersonAsync(client, new { lastName = "Lovelace", email = "ada@example.com" });

        var job = await CompletedAsync(client, (await PostImportAsync(client, "lastName,email\r\nKing,ada@example.com\r\n", dedupe: "create")).Headers.Location!.OriginalString);

        Assert.Equal(1, job.GetProperty("created").GetInt32());
        Assert.Equal(2, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1 AND email = $2", tenant, "ada@example.com"));
    }

    [Fact]
    public async Task A_mapping_fills_person_fields_from_columns_named_otherwise()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var company = (await CreateCompanyAsync(client, new { name = "Analytical Engines" })).GetProperty("id").GetGuid();
        var mapping = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Surname"] = "lastName",
            ["Given"] = "firstName",
            ["Mail"] = "email",
            ["Employer"] = "companyId",
        });

        var job = await CompletedAsync(client, (await PostImportAsync(client, $"Given,Surname,Mail,Employer,Ignored\r\nAda,Lovelace,ada@example.com,{company},x\r\nBad,Company,bad@example.com,not-a-uuid,y\r\n", mapping: mapping)).Headers.Location!.OriginalString);

        Assert.Equal(1, job.GetProperty("created").GetInt32());
        Assert.Equal("lastName", job.GetProperty("mapping").GetProperty("Surname").GetString());
        Assert.Equal((3, "companyId"), job.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("field").GetString())).Single());
        var ada = (await ReadJsonAsync(await client.GetAsync("/api/v1/people", TestContext.Current.CancellationToken))).GetProperty("items").EnumerateArray().Single();
        Assert.Equal("Ada", ada.GetProperty("firstName").GetString());
        Assert.Equal(company, ada.GetProperty("companyId").GetGuid());
    }

    [Theory]
    [InlineData("none", null, null, "file")]
    [InlineData("text", null, null, "file")]
    [InlineData("csv", """{"Surname": "nickname"}""", null, "mapping")]
    [InlineData("csv", """{"Missing": "lastName"}""", null, "mapping")]
    [InlineData("csv", "not json", null, "mapping")]
    [InlineData("csv", null, "merge", "dedupe")]
    [InlineData("latin1", null, null, "file")]
    public async Task A_bad_upload_is_a_400_naming_the_field(string file, string? mapping, string? dedupe, string field)
    {
        var tenant = NewTenant();
        using var form = new MultipartFormDataContent();
        switch (file)
        {
            case "csv":
                form.Add(CsvFile("Surname,Email\r\nLovelace,ada@example.com\r\n"), "file", "people.csv");
                break;
            case "text":
                form.Add(new StringContent("just some notes", Encoding.UTF8, "text/plain"), "file", "notes.txt");
                break;
            case "latin1":
                form.Add(new ByteArrayContent([.. "lastName\r\nM"u8, 0xFC, .. "ller\r\n"u8]) { Headers = { ContentType = new("text/csv") } }, "file", "people.csv");
                break;
        }

        AddOptions(form, mapping, dedupe);
        var response = await api.ClientFor(tenant).PostAsync("/api/v1/imports", form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await ReadJsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _), $"The problem names {field}.");
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM import_jobs WHERE tenant_id = $1", tenant));
    }

    [Fact]
    public async Task An_upload_over_50_MiB_is_a_413_problem()
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(new byte[(50 * 1024 * 1024) + 1]) { Headers = { ContentType = new("text/csv") } }, "file", "huge.csv");

        var response = await api.ClientFor(NewTenant()).PostAsync("/api/v1/imports", form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_upload_over_the_service_wide_limit_but_under_50_MiB_is_accepted()
    {
        var client = api.ClientFor(NewTenant());
        // Large cells in a column no field takes: over 2 MiB to upload, but three rows to import, so the job is done
        // in a moment and the worker is free for the jobs of the other tests.
        var rows = new StringBuilder("lastName,notes\r\n");
        for (var row = 0; row < 3; row++)
        {
            rows.Append("Lovelace,").Append('x', 800 * 1024).Append("\r\n");
        }

        var response = await PostImportAsync(client, rows.ToString());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await CompletedAsync(client, response.Headers.Location!.OriginalString);
        Assert.Equal(3, job.GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task Another_tenant_gets_404_for_the_job_and_does_not_list_it()
    {
        var owner = api.ClientFor(NewTenant());
        var stranger = api.ClientFor(NewTenant());
        var location = (await PostImportAsync(owner, "lastName\r\nPrivate\r\n")).Headers.Location!.OriginalString;

        var get = await stranger.GetAsync(location, TestContext.Current.CancellationToken);
        var list = await ReadJsonAsync(await stranger.GetAsync("/api/v1/imports", TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        var mine = await ReadJsonAsync(await owner.GetAsync("/api/v1/imports", TestContext.Current.CancellationToken));
        Assert.Single(mine.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Each_imported_person_publishes_ContactCreated_once()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var csv = "lastName,email\r\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"Person {i},p{i}@example.com\r\n"));

        await CompletedAsync(client, (await PostImportAsync(client, csv)).Headers.Location!.OriginalString);

        Assert.Equal(40, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
        Assert.Equal(40, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(DISTINCT payload->>'personId') FROM outbox_messages WHERE tenant_id = $1 AND message_type = $2", tenant, ContactCreated));
        Assert.Equal(40, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND message_type = $2", tenant, ContactCreated));
    }

    [Fact]
    public async Task Importing_needs_the_write_scope()
    {
        var response = await PostImportAsync(api.ClientFor(NewTenant(), "contacts:read"), "lastName\r\nReader\r\n");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    public static StringContent CsvFile(string csv) => new(csv, Encoding.UTF8, new MediaTypeHeaderValue("text/csv"));

    public static async Task<HttpResponseMessage> PostImportAsync(HttpClient client, string csv, string? mapping = null, string? dedupe = null)
    {
        using var form = new MultipartFormDataContent();
        form.Add(CsvFile(csv), "file", "people.csv");
        AddOptions(form, mapping, dedupe);
        return await client.PostAsync("/api/v1/imports", form, TestContext.Current.CancellationToken);
    }

    /// <summary>Waits for the job at <paramref name="location"/> to complete and returns it.</summary>
    public static async Task<JsonElement> CompletedAsync(HttpClient client, string location)
    {
        var completed = await Eventually.Until<JsonElement?>(
            async () =>
            {
                var job = await ReadJsonAsync(await client.GetAsync(location, TestContext.Current.CancellationToken));
                return job.GetProperty("status").GetString() == "completed" ? job : null;
            },
            TimeSpan.FromSeconds(60),
            "the import to complete");
        return completed!.Value;
    }

    private static void AddOptions(MultipartFormDataContent form, string? mapping, string? dedupe)
    {
        if (mapping is not null)
        {
            form.Add(new StringContent(mapping), "mapping");
        }

        if (dedupe is not null)
        {
            form.Add(new StringContent(dedupe), "dedupe");
        }
    }
}
