using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class InvoicesTests(BillingApi api) : IClassFixture<BillingApi>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    private static async Task<Guid> RateAsync(HttpClient client, decimal rate) =>
        (await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/tax-rates", new { name = $"VAT {rate:P0}", rate }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

    [Fact]
    public async Task Lines_round_half_even_per_line_and_totals_are_their_sums_in_EUR_JPY_and_KWD()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var (standard, reduced, ten, eight, five) = (await RateAsync(client, 0.19m), await RateAsync(client, 0.07m), await RateAsync(client, 0.10m), await RateAsync(client, 0.08m), await RateAsync(client, 0.05m));

        // 3 × 19.99 = 59.97, tax 11.3943 → 11.39; 0.125 → 0.12 (half-up would say 0.13), tax 0.0084 → 0.01;
        // 2 × 10.005 − 0.01 = 20.00, tax 3.80. Net 80.09, tax 15.20, total 95.29.
        var eur = await BillingApi.InvoiceAsync(
            client, account, false, "EUR",
            BillingApi.Line("Tea", 3, "19.99", standard), BillingApi.Line("Sugar", 1, "0.125", reduced), BillingApi.Line("Cups", 2, "10.005", standard, "0.01"));
        Assert.Equal(["59.97", "0.12", "20.00"], eur.GetProperty("lines").EnumerateArray().Select(l => BillingApi.Amount(l.GetProperty("netAmount"))));
        Assert.Equal(["11.39", "0.01", "3.80"], eur.GetProperty("lines").EnumerateArray().Select(l => BillingApi.Amount(l.GetProperty("taxAmount"))));
        Assert.Equal("80.09", BillingApi.Amount(eur.GetProperty("netTotal")));
        Assert.Equal("15.20", BillingApi.Amount(eur.GetProperty("taxTotal")));
        Assert.Equal("95.29", BillingApi.Amount(eur.GetProperty("total")));
        var taxes = eur.GetProperty("taxes").EnumerateArray().ToList();
        Assert.Equal([("0.07", "0.12", "0.01"), ("0.19", "79.97", "15.19")], taxes.Select(t => (t.GetProperty("rate").GetDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture), BillingApi.Amount(t.GetProperty("netAmount")), BillingApi.Amount(t.GetProperty("taxAmount")))));

        // 3 × 333.5 = 1000.5 → 1000 (even), tax 100; 2.5 → 2, tax 0.16 → 0. Net 1002, tax 100, total 1102.
        var jpy = await BillingApi.InvoiceAsync(client, account, false, "JPY", BillingApi.Line("Tea", 3, "333.5", ten), BillingApi.Line("Sugar", 1, "2.5", eight));
        Assert.Equal("1002.00", BillingApi.Amount(jpy.GetProperty("netTotal")));
        Assert.Equal("100.00", BillingApi.Amount(jpy.GetProperty("taxTotal")));
        Assert.Equal("1102.00", BillingApi.Amount(jpy.GetProperty("total")));

        // 1.2345 → 1.234 (even), tax 0.0617 → 0.062; 2 × 0.0625 = 0.125, tax 0.00625 → 0.006. Net 1.359, tax 0.068, total 1.427.
        var kwd = await BillingApi.InvoiceAsync(client, account, false, "KWD", BillingApi.Line("Tea", 1, "1.2345", five), BillingApi.Line("Sugar", 2, "0.0625", five));
        Assert.Equal("1.359", BillingApi.Amount(kwd.GetProperty("netTotal")));
        Assert.Equal("0.068", BillingApi.Amount(kwd.GetProperty("taxTotal")));
        Assert.Equal("1.427", BillingApi.Amount(kwd.GetProperty("total")));
        Assert.Equal("KWD", kwd.GetProperty("total").GetProperty("currency").GetString());
    }

    [Fact]
    public async Task A_draft_changes_until_issued_then_is_immutable_and_can_only_be_voided_with_a_reason()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var draft = await BillingApi.InvoiceAsync(client, account, false, "EUR", BillingApi.Line("Tea", 1, "10.00"));
        var id = draft.GetProperty("id").GetGuid();
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.False(draft.TryGetProperty("number", out _));

        var revised = await BillingApi.SendAsync(client, HttpMethod.Patch, $"/api/v1/invoices/{id}", new { lines = new[] { BillingApi.Line("Tea", 2, "10.00") }, memo = "Thanks" }, HttpStatusCode.OK);
        Assert.Equal("20.00", BillingApi.Amount(revised.GetProperty("total")));

        var issued = await BillingApi.SendAsync(client, HttpMethod.Post, $"/api/v1/invoices/{id}/issue", null, HttpStatusCode.OK);
        Assert.Equal("issued", issued.GetProperty("status").GetString());
        Assert.Equal("INV-000001", issued.GetProperty("number").GetString());
        Assert.Equal("Ada Lovelace", issued.GetProperty("billTo").GetProperty("name").GetString());
        var issuedOn = DateOnly.Parse(issued.GetProperty("issuedOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(issuedOn.AddDays(30), DateOnly.Parse(issued.GetProperty("dueDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        await BillingApi.SendAsync(client, HttpMethod.Patch, $"/api/v1/invoices/{id}", new { memo = "Changed" }, HttpStatusCode.Conflict);
        await BillingApi.SendAsync(client, HttpMethod.Post, $"/api/v1/invoices/{id}/issue", null, HttpStatusCode.Conflict);
        await BillingApi.SendAsync(client, HttpMethod.Delete, $"/api/v1/invoices/{id}", null, HttpStatusCode.Conflict);
        var noReason = await BillingApi.SendAsync(client, HttpMethod.Post, $"/api/v1/invoices/{id}/void", new { reason = " " }, HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));

        var accountRead = await client.GetFromJsonAsync<JsonElement>($"/api/v1/billing-accounts/{account}", Ct);
        Assert.Equal("20.00", BillingApi.Amount(accountRead.GetProperty("balance")));

        var voided = await BillingApi.SendAsync(client, HttpMethod.Post, $"/api/v1/invoices/{id}/void", new { reason = "Sent twice" }, HttpStatusCode.OK);
        Assert.Equal("void", voided.GetProperty("status").GetString());
        Assert.Equal("INV-000001", voided.GetProperty("number").GetString());
        await BillingApi.SendAsync(client, HttpMethod.Post, $"/api/v1/invoices/{id}/void", new { reason = "Again" }, HttpStatusCode.Conflict);
        accountRead = await client.GetFromJsonAsync<JsonElement>($"/api/v1/billing-accounts/{account}", Ct);
        Assert.Equal("0.00", BillingApi.Amount(accountRead.GetProperty("balance")));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Billing.InvoiceIssued' AND payload->>'invoiceId' = $1", id.ToString()));

        // A draft is deleted outright.
        var other = (await BillingApi.InvoiceAsync(client, account, false, "EUR", BillingApi.Line("Tea", 1, "1.00"))).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/invoices/{other}", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_invoice_renders_as_printable_html_when_html_is_preferred()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var invoice = await BillingApi.InvoiceAsync(client, account, true, "EUR", BillingApi.Line("<b>Tea & Cake</b>", 1, "95.29"));
        var id = invoice.GetProperty("id").GetGuid();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/invoices/{id}");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8");
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains(invoice.GetProperty("number").GetString()!, html, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", html, StringComparison.Ordinal);
        Assert.Contains("95.29 EUR", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;Tea &amp; Cake&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Tea", html, StringComparison.Ordinal);

        using var json = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/invoices/{id}");
        json.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var jsonResponse = await client.SendAsync(json, Ct);
        Assert.Equal("application/json", jsonResponse.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Bad_invoices_are_refused_naming_each_field()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var problem = await BillingApi.SendAsync(
            client, HttpMethod.Post, "/api/v1/invoices",
            new
            {
                billingAccountId = account,
                currency = "XYZ",
                series = "IN-V",
                lines = new object[]
                {
                    BillingApi.Line("", -1, "abc"),
                    BillingApi.Line("Tea", 1, "1.00", Guid.NewGuid(), "2.00"),
                },
            },
            HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "currency", "series", "lines[0].description", "lines[0].quantity", "lines[0].unitPrice", "lines[1].taxRateId", "lines[1].discount" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        var noLines = await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/invoices", new { billingAccountId = Guid.NewGuid(), lines = Array.Empty<object>() }, HttpStatusCode.BadRequest);
        Assert.True(noLines.GetProperty("errors").TryGetProperty("billingAccountId", out _));
        Assert.True(noLines.GetProperty("errors").TryGetProperty("lines", out _));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM invoices WHERE tenant_id = $1", _tenant));
    }

    [Fact]
    public async Task Another_tenant_gets_404_for_an_invoice_and_cannot_issue_or_void_it()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var id = (await BillingApi.InvoiceAsync(client, account, false, "EUR", BillingApi.Line("Tea", 1, "1.00"))).GetProperty("id").GetGuid();
        var other = api.ApiClient($"tenant-{Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/invoices/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/invoices/{id}/issue", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/v1/invoices/{id}/void", new { reason = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/billing-accounts/{account}", Ct)).StatusCode);
        Assert.Empty((await other.GetFromJsonAsync<JsonElement>("/api/v1/invoices", Ct)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Twenty_concurrent_issuers_get_gapless_strictly_increasing_numbers()
    {
        const int count = 20;
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var drafts = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            (await BillingApi.InvoiceAsync(client, account, false, "EUR", BillingApi.Line("Tea", 1, "1.00"))).GetProperty("id").GetGuid()));

        // Each draft is issued twice at once: one issue wins, the other is refused and must give its number back.
        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(drafts.Concat(drafts).Select(id => client.PostAsync($"/api/v1/invoices/{id}/issue", null, Ct)));
        clock.Stop();
        Assert.Equal(count, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.PreconditionFailed }));
        TestContext.Current.TestOutputHelper?.WriteLine($"{count} invoices issued by {2 * count} concurrent requests in {clock.ElapsedMilliseconds} ms: {count / clock.Elapsed.TotalSeconds:0} invoices/s");

        var numbers = new List<string>();
        foreach (var id in drafts)
        {
            numbers.Add((await client.GetFromJsonAsync<JsonElement>($"/api/v1/invoices/{id}", Ct)).GetProperty("number").GetString()!);
        }

        Assert.Equal(Enumerable.Range(1, count).Select(n => $"INV-{n:D6}"), numbers.Order(StringComparer.Ordinal));
        Assert.Equal(count, await Database.CountAsync(api.DatabaseConnectionString, "SELECT last_number FROM document_counters WHERE tenant_id = $1 AND series = 'INV'", _tenant));
        Assert.Equal(count, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Billing.InvoiceIssued' AND payload->>'tenantId' = $1", _tenant));
    }
}
