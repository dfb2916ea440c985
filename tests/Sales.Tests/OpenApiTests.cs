using System.Text.Json;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class OpenApiTests(SalesApi api) : IClassFixture<SalesApi>
{
    [Theory]
    [InlineData("/api/v1/orders", "post", "PlaceOrder", "409")]
    [InlineData("/api/v1/orders/{id}/cancel", "post", "CancelOrder", "412")]
    [InlineData("/api/v1/products/{id}/stock", "put", "SetStock", "409")]
    [InlineData("/api/v1/products/{id}", "patch", "UpdateProduct", "412")]
    [InlineData("/api/v1/price-lists", "post", "CreatePriceList", "400")]
    public async Task Every_operation_is_documented_with_its_problems(string path, string method, string name, string problem)
    {
        var document = await ReadJsonAsync(await api.CreateClient().GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken));

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.Equal(name, operation.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("description").GetString()));
        Assert.True(operation.GetProperty("responses").TryGetProperty(problem, out JsonElement _), $"{name} should document {problem}.");
    }
}
