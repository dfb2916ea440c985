using System.Net;
using System.Net.Http.Json;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class ProductsTests(SalesApi api) : IClassFixture<SalesApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_returns_201_with_location_etag_defaults_and_empty_stock()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/products", new { sku = "WID-1", name = " Widget " }, Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var product = await ReadJsonAsync(response);
        var id = product.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/products/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal("Widget", product.GetProperty("name").GetString());
        Assert.Equal("piece", product.GetProperty("unit").GetString());
        Assert.Equal("standard", product.GetProperty("taxCategory").GetString());
        Assert.True(product.GetProperty("active").GetBoolean());
        var stock = await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{id}/stock", Token));
        Assert.Equal(0, stock.GetProperty("onHand").GetDecimal());
        Assert.Equal(0, stock.GetProperty("available").GetDecimal());
    }

    [Fact]
    public async Task Invalid_fields_are_named()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/products", new { sku = "HAS SPACE", name = "", unit = new string('u', 21), taxCategory = "Not A Code!" }, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["name", "sku", "taxCategory", "unit"], (await ErrorFieldsAsync(response)).Order());
    }

    [Fact]
    public async Task A_sku_is_unique_per_tenant_but_not_across_tenants()
    {
        await CreateProductAsync(Client, "DUP-1");

        var again = await Client.PostAsJsonAsync("/api/v1/products", new { sku = "DUP-1", name = "Again" }, Token);
        var elsewhere = await api.ClientFor(NewTenant()).PostAsJsonAsync("/api/v1/products", new { sku = "DUP-1", name = "Elsewhere" }, Token);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Created, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Patch_changes_fields_and_a_stale_if_match_is_rejected_with_412()
    {
        var id = await CreateProductAsync(Client, "PAT-1", onHand: 0);
        var path = $"/api/v1/products/{id}";

        var patched = await SendAsync(Client, HttpMethod.Patch, path, """{ "name": "Renamed", "active": false, "taxCategory": "reduced" }""", ifMatch: "\"1\"", contentType: "application/merge-patch+json");
        var stale = await SendAsync(Client, HttpMethod.Patch, path, """{ "name": "Lost update" }""", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("\"2\"", patched.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var stored = await ReadJsonAsync(await Client.GetAsync(path, Token));
        Assert.Equal("Renamed", stored.GetProperty("name").GetString());
        Assert.False(stored.GetProperty("active").GetBoolean());
        Assert.Equal("reduced", stored.GetProperty("taxCategory").GetString());
        Assert.Equal(2, stored.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Patch_cannot_clear_a_required_field_or_name_an_unknown_one()
    {
        var id = await CreateProductAsync(Client, "PAT-2", onHand: 0);

        var response = await SendAsync(Client, HttpMethod.Patch, $"/api/v1/products/{id}", """{ "sku": null, "colour": "red", "active": null }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["active", "colour", "sku"], (await ErrorFieldsAsync(response)).Order());
    }

    [Fact]
    public async Task The_list_filters_by_sku_text_and_state_and_pages()
    {
        await CreateProductAsync(Client, "LST-APPLE", onHand: 0);
        var pear = await CreateProductAsync(Client, "LST-PEAR", onHand: 0);
        await CreateProductAsync(Client, "LST-PLUM", onHand: 0);
        await SendAsync(Client, HttpMethod.Patch, $"/api/v1/products/{pear}", """{ "active": false }""");

        var bySku = await ReadJsonAsync(await Client.GetAsync("/api/v1/products?sku=LST-PLUM", Token));
        var byText = await ReadJsonAsync(await Client.GetAsync("/api/v1/products?q=p&active=true", Token));
        var inactive = await ReadJsonAsync(await Client.GetAsync("/api/v1/products?active=false", Token));
        var first = await ReadJsonAsync(await Client.GetAsync("/api/v1/products?limit=2", Token));
        var second = await ReadJsonAsync(await Client.GetAsync($"/api/v1/products?limit=2&cursor={first.GetProperty("nextCursor").GetString()}", Token));

        Assert.Equal(["LST-PLUM"], bySku.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("sku").GetString()));
        Assert.Equal(["LST-APPLE", "LST-PLUM"], byText.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("sku").GetString()));
        Assert.Equal(["LST-PEAR"], inactive.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("sku").GetString()));
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        Assert.Equal(["LST-PLUM"], second.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("sku").GetString()));
        Assert.False(second.TryGetProperty("nextCursor", out _));
    }

    [Fact]
    public async Task Delete_removes_a_product_no_price_list_names_but_keeps_one_that_is_priced()
    {
        var loose = await CreateProductAsync(Client, "DEL-1", onHand: 5);
        var priced = await CreateProductAsync(Client, "DEL-2", onHand: 0);
        await CreatePriceListAsync(Client, "EUR", (priced, "1.00"));

        var deleted = await Client.DeleteAsync($"/api/v1/products/{loose}", Token);
        var refused = await Client.DeleteAsync($"/api/v1/products/{priced}", Token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/v1/products/{loose}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/v1/products/{loose}/stock", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/api/v1/products/{priced}", Token)).StatusCode);
    }

    [Fact]
    public async Task Another_tenant_cannot_see_change_or_delete_a_product_or_its_stock()
    {
        var id = await CreateProductAsync(Client, "PRIV-1", onHand: 3);
        var stranger = api.ClientFor(NewTenant());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/products/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(stranger, HttpMethod.Patch, $"/api/v1/products/{id}", """{ "name": "Taken" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/v1/products/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/products/{id}/stock", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutAsJsonAsync($"/api/v1/products/{id}/stock", new { onHand = 99 }, Token)).StatusCode);
        Assert.Empty((await ReadJsonAsync(await stranger.GetAsync("/api/v1/products", Token))).GetProperty("items").EnumerateArray());
        var stock = await ReadJsonAsync(await Client.GetAsync($"/api/v1/products/{id}/stock", Token));
        Assert.Equal(3, stock.GetProperty("onHand").GetDecimal());
    }

    [Fact]
    public async Task A_read_only_caller_cannot_write()
    {
        var reader = api.ClientFor(_tenant, "sales:read");

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/v1/products", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsJsonAsync("/api/v1/products", new { sku = "RO-1", name = "Refused" }, Token)).StatusCode);
    }
}
