using System.Net;
using System.Net.Http.Headers;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class CreditNoteDocumentTests(BillingApi api) : IClassFixture<BillingApi>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_credit_note_prints_as_html_addressed_as_its_invoice_with_where_its_credit_went()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var invoice = await BillingApi.InvoiceAsync(client, account, issue: true, "EUR", BillingApi.Line("Tea", 2, "10.00"));
        var note = await BillingApi.SendAsync(
            client, HttpMethod.Post, "/api/v1/credit-notes",
            new { invoiceId = invoice.GetProperty("id").GetGuid(), reason = "<i>Cold</i> tea", lines = new[] { BillingApi.Line("Cold tea", 1, "10.00") } },
            HttpStatusCode.Created);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/credit-notes/{note.GetProperty("id").GetGuid()}");
        request.Headers.Accept.ParseAdd("text/html,application/json;q=0.9");
        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Credit note CN-000001", html, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", html, StringComparison.Ordinal);
        Assert.Contains($"Credits invoice {invoice.GetProperty("number").GetString()}", html, StringComparison.Ordinal);
        Assert.Contains("10.00 EUR", html, StringComparison.Ordinal);
        Assert.Contains("&lt;i&gt;Cold&lt;/i&gt; tea", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credit_note_is_json_unless_html_is_preferred()
    {
        var client = api.ApiClient(_tenant);
        var account = await api.NewAccountAsync(_tenant);
        var invoice = await BillingApi.InvoiceAsync(client, account, issue: true, "EUR", BillingApi.Line("Tea", 1, "10.00"));
        var note = await BillingApi.SendAsync(client, HttpMethod.Post, "/api/v1/credit-notes", new { invoiceId = invoice.GetProperty("id").GetGuid(), reason = "All" }, HttpStatusCode.Created);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/credit-notes/{note.GetProperty("id").GetGuid()}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await client.SendAsync(request, Ct);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Accept", response.Headers.Vary.Single());
    }
}
