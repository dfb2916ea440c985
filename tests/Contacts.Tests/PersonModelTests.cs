using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;

namespace CrmCloud.Contacts.Tests;

/// <summary>A person's whole model: several emails and phones, address, classification, tags and demographics.</summary>
public sealed class PersonModelTests(ContactsApi api) : IClassFixture<ContactsApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static object FullPerson(string email) => new
    {
        firstName = "Grace",
        lastName = "Hopper",
        emails = new object[]
        {
            new { address = "grace@home.example.com", label = "home" },
            new { address = email, label = "work", primary = true },
        },
        phones = new object[] { new { number = "+1 555 0100", label = "mobile" } },
        jobTitle = "Rear Admiral",
        address = new { street = "1 Navy Way", city = "Arlington", country = "us" },
        language = "EN-us",
        preferredChannel = "email",
        source = "Trade fair 2026",
        lifecycleStage = "customer",
        relationship = "partner",
        ownerId = "user-7",
        tags = new[] { "vip", " VIP ", "navy" },
        demographics = new { birthDate = "1906-12-09", gender = "female", incomeBand = "upper-middle", purchasePurpose = "business", paymentMethod = "invoice" },
    };

    [Fact]
    public async Task Create_keeps_every_field_normalised_with_the_primary_email_and_phone()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/people", FullPerson("grace@navy.example.com"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await ReadJsonAsync(response);
        var fetched = await ReadJsonAsync(await Client.GetAsync($"/api/v1/people/{created.GetProperty("id")}", TestContext.Current.CancellationToken));
        foreach (var person in new[] { created, fetched })
        {
            Assert.Equal("grace@navy.example.com", person.GetProperty("email").GetString());
            Assert.Equal("+1 555 0100", person.GetProperty("phone").GetString());
            var emails = person.GetProperty("emails").EnumerateArray().ToList();
            Assert.Equal(["grace@home.example.com", "grace@navy.example.com"], emails.Select(e => e.GetProperty("address").GetString()));
            Assert.Equal([false, true], emails.Select(e => e.GetProperty("primary").GetBoolean()));
            Assert.Equal("home", emails[0].GetProperty("label").GetString());
            Assert.True(person.GetProperty("phones")[0].GetProperty("primary").GetBoolean());
            Assert.Equal("US", person.GetProperty("address").GetProperty("country").GetString());
            Assert.Equal("en-US", person.GetProperty("language").GetString());
            Assert.Equal("email", person.GetProperty("preferredChannel").GetString());
            Assert.Equal("Trade fair 2026", person.GetProperty("source").GetString());
            Assert.Equal("customer", person.GetProperty("lifecycleStage").GetString());
            Assert.Equal("partner", person.GetProperty("relationship").GetString());
            Assert.Equal("user-7", person.GetProperty("ownerId").GetString());
            Assert.Equal(["vip", "navy"], person.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            var demographics = person.GetProperty("demographics");
            Assert.Equal("1906-12-09", demographics.GetProperty("birthDate").GetString());
            Assert.Equal("upper-middle", demographics.GetProperty("incomeBand").GetString());
            Assert.Equal("invoice", demographics.GetProperty("paymentMethod").GetString());
        }
    }

    [Fact]
    public async Task The_created_event_carries_what_other_services_segment_and_copy_by()
    {
        var person = await CreatePersonAsync(Client, FullPerson("hopper@navy.example.com"));

        var payload = await EventPayloadAsync(person.GetProperty("id").GetGuid(), "ContactCreated");
        var contact = payload.GetProperty("contact");
        Assert.Equal("hopper@navy.example.com", contact.GetProperty("email").GetString());
        Assert.Equal(["grace@home.example.com", "hopper@navy.example.com"], contact.GetProperty("emails").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("customer", contact.GetProperty("lifecycleStage").GetString());
        Assert.Equal("US", contact.GetProperty("address").GetProperty("country").GetString());
        Assert.Equal("1906-12-09", contact.GetProperty("birthDate").GetString());
        Assert.Equal(["vip", "navy"], contact.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Without_a_primary_the_first_email_is_primary_and_the_shorthand_makes_one()
    {
        var listed = await CreatePersonAsync(Client, new { lastName = "Lovelace", emails = new[] { new { address = "ada@one.example.com" }, new { address = "ada@two.example.com" } } });
        var shorthand = await CreatePersonAsync(Client, new { lastName = "Lovelace", email = "ada@three.example.com", phone = "+44 20 7946 0000" });

        Assert.Equal("ada@one.example.com", listed.GetProperty("email").GetString());
        Assert.Equal([true, false], listed.GetProperty("emails").EnumerateArray().Select(e => e.GetProperty("primary").GetBoolean()));
        Assert.Equal("ada@three.example.com", shorthand.GetProperty("emails")[0].GetProperty("address").GetString());
        Assert.True(shorthand.GetProperty("phones")[0].GetProperty("primary").GetBoolean());
    }

    [Theory]
    [InlineData("""{"lastName":"X","email":"a@b.example.com","emails":[{"address":"c@d.example.com"}]}""", "email")]
    [InlineData("""{"lastName":"X","emails":[{"address":"a@b.example.com","primary":true},{"address":"c@d.example.com","primary":true}]}""", "emails")]
    [InlineData("""{"lastName":"X","emails":[{"address":"a@b.example.com"},{"address":"A@B.example.com"}]}""", "emails[1].address")]
    [InlineData("""{"lastName":"X","emails":[{"address":"not an email"}]}""", "emails[0].address")]
    [InlineData("""{"lastName":"X","emails":[{"label":"work"}]}""", "emails[0].address")]
    [InlineData("""{"lastName":"X","emails":[null]}""", "emails[0]")]
    [InlineData("""{"lastName":"X","phones":[{"number":"call me"}]}""", "phones[0].number")]
    [InlineData("""{"lastName":"X","phones":[{"number":"+1 555 0100","label":"a label far longer than thirty characters"}]}""", "phones[0].label")]
    [InlineData("""{"lastName":"X","language":"english!"}""", "language")]
    [InlineData("""{"lastName":"X","address":{"country":"XX"}}""", "address.country")]
    [InlineData("""{"lastName":"X","demographics":{"birthDate":"2999-01-01"}}""", "demographics.birthDate")]
    [InlineData("""{"lastName":"X","tags":[""]}""", "tags[0]")]
    public async Task Invalid_details_are_refused_naming_the_field(string body, string field)
    {
        var response = await Client.PostAsync("/api/v1/people", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"Expected an error for {field}: {problem}");
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", _tenant));
    }

    [Theory]
    [InlineData("""{"lastName":"X","lifecycleStage":"king"}""")]
    [InlineData("""{"lastName":"X","demographics":{"gender":"robot"}}""")]
    [InlineData("""{"lastName":"X","demographics":{"birthDate":"09/12/1906"}}""")]
    public async Task Values_outside_an_enumeration_or_format_are_refused_with_a_problem(string body)
    {
        var response = await Client.PostAsync("/api/v1/people", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Patching_email_changes_the_primary_address_and_keeps_its_label()
    {
        var person = await CreatePersonAsync(Client, new { lastName = "Curie", emails = new[] { new { address = "marie@lab.example.com", label = "work" }, new { address = "marie@home.example.com", label = "home" } } });
        var path = $"/api/v1/people/{person.GetProperty("id")}";

        var replaced = await ReadJsonAsync(await PatchAsync(Client, path, """{"email":"marie@sorbonne.example.com"}"""));
        Assert.Equal("marie@sorbonne.example.com", replaced.GetProperty("email").GetString());
        Assert.Equal("work", replaced.GetProperty("emails")[0].GetProperty("label").GetString());

        var promoted = await ReadJsonAsync(await PatchAsync(Client, path, """{"email":"MARIE@home.example.com"}"""));
        Assert.Equal("marie@home.example.com", promoted.GetProperty("email").GetString());

        var removed = await ReadJsonAsync(await PatchAsync(Client, path, """{"email":null}"""));
        Assert.Equal("marie@sorbonne.example.com", removed.GetProperty("email").GetString());
        Assert.Single(removed.GetProperty("emails").EnumerateArray());
        Assert.Equal(4, removed.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Patching_lists_replaces_them_and_nested_objects_merge_member_by_member()
    {
        var person = await CreatePersonAsync(Client, FullPerson("grace@patch.example.com"));
        var path = $"/api/v1/people/{person.GetProperty("id")}";

        var response = await PatchAsync(Client, path, """
            {"phones":[{"number":"+1 555 0199","label":"work"}],"tags":["retired"],"lifecycleStage":"churned",
             "demographics":{"incomeBand":null},"address":{"city":"New York"},"source":null}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var patched = await ReadJsonAsync(response);
        Assert.Equal("+1 555 0199", patched.GetProperty("phone").GetString());
        Assert.Equal(["retired"], patched.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("churned", patched.GetProperty("lifecycleStage").GetString());
        Assert.False(patched.GetProperty("demographics").TryGetProperty("incomeBand", out _));
        Assert.Equal("female", patched.GetProperty("demographics").GetProperty("gender").GetString());
        Assert.Equal("New York", patched.GetProperty("address").GetProperty("city").GetString());
        Assert.Equal("1 Navy Way", patched.GetProperty("address").GetProperty("street").GetString());
        Assert.False(patched.TryGetProperty("source", out _));
        Assert.Equal("grace@patch.example.com", patched.GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_patch_that_changes_nothing_keeps_the_version_and_publishes_nothing()
    {
        var person = await CreatePersonAsync(Client, FullPerson("grace@same.example.com"));
        var id = person.GetProperty("id").GetGuid();

        var response = await PatchAsync(Client, $"/api/v1/people/{id}", """{"tags":["vip","navy"],"emails":[{"address":"grace@home.example.com","label":"home"},{"address":"grace@same.example.com","label":"work","primary":true}]}""");

        Assert.Equal(1, (await ReadJsonAsync(response)).GetProperty("version").GetInt64());
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ContactUpdated%' AND payload->>'personId' = $1", id.ToString()));
    }

    [Fact]
    public async Task Lists_filter_by_classification_owner_tag_and_time()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var lead = await CreatePersonAsync(Client, new { lastName = "Lead", lifecycleStage = "lead", ownerId = "user-1", tags = new List<string> { "emea" } });
        var customer = await CreatePersonAsync(Client, new { lastName = "Customer", lifecycleStage = "customer", ownerId = "user-2", tags = new List<string> { "emea", "vip" } });
        var other = api.ClientFor(NewTenant());
        await CreatePersonAsync(other, new { lastName = "Elsewhere", lifecycleStage = "lead", tags = new List<string> { "emea" } });

        async Task<string?[]> LastNamesAsync(HttpClient client, string query) =>
            [.. (await ReadJsonAsync(await client.GetAsync($"/api/v1/people?{query}", cancellation))).GetProperty("items").EnumerateArray().Select(p => p.GetProperty("lastName").GetString())];

        Assert.Equal(["Lead"], await LastNamesAsync(Client, "lifecycleStage=lead"));
        Assert.Equal(["Customer"], await LastNamesAsync(Client, "ownerId=user-2"));
        Assert.Equal(["Lead", "Customer"], await LastNamesAsync(Client, "tag=emea"));
        Assert.Equal(["Customer"], await LastNamesAsync(Client, "tag=emea&lifecycleStage=customer"));
        Assert.Equal(["Customer"], await LastNamesAsync(Client, $"createdAfter={Uri.EscapeDataString(lead.GetProperty("createdAt").GetString()!)}"));
        Assert.Equal(["Lead"], await LastNamesAsync(Client, $"createdBefore={Uri.EscapeDataString(DateTimeOffset.Parse(customer.GetProperty("createdAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToOffset(TimeSpan.FromHours(2)).ToString("O"))}"));
        Assert.Equal(["Elsewhere"], await LastNamesAsync(other, "tag=emea"));
    }

    [Theory]
    [InlineData("lifecycleStage=king", "lifecycleStage")]
    [InlineData("relationship=enemy", "relationship")]
    [InlineData("q=ada&tag=vip", "q")]
    public async Task Invalid_filters_are_refused_naming_the_parameter(string query, string parameter)
    {
        var response = await Client.GetAsync($"/api/v1/people?{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty("errors").TryGetProperty(parameter, out _));
    }

    private async Task<JsonElement> EventPayloadAsync(Guid personId, string type)
    {
        await using var connection = new Npgsql.NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new Npgsql.NpgsqlCommand("SELECT payload::text FROM outbox_messages WHERE message_type LIKE '%' || $1 || '%' AND payload->>'personId' = $2", connection);
        command.Parameters.AddWithValue(type);
        command.Parameters.AddWithValue(personId.ToString());
        var payload = (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(payload ?? throw new InvalidOperationException($"No {type} for {personId}.")).RootElement;
    }
}
