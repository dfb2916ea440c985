using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;
using static CrmCloud.Sales.Tests.SalesApi;

namespace CrmCloud.Sales.Tests;

public sealed class SalesReportsTests(SalesApi api) : IClassFixture<SalesApi>
{
    private readonly string _tenant = NewTenant();

    private HttpClient Client => api.ClientFor(_tenant);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_forecast_weighs_each_open_amount_by_its_stage_and_matches_a_hand_computed_case()
    {
        var (pipeline, stages) = await CreatePipelineAsync();
        var person = await api.CreateCustomerAsync(_tenant);
        await CreateOpportunityAsync(pipeline, stages[1], person, "alice", "1000.00", "EUR", "2027-01-15");
        await CreateOpportunityAsync(pipeline, stages[2], person, "alice", "333.33", "EUR", "2027-01-20");
        await CreateOpportunityAsync(pipeline, stages[0], person, "alice", "100", "USD", "2027-01-05");
        await CreateOpportunityAsync(pipeline, stages[0], person, "bob", "10.05", "EUR", "2027-02-01");
        await CreateOpportunityAsync(pipeline, stages[1], person, "bob", "200", "EUR", null);
        var won = await CreateOpportunityAsync(pipeline, stages[2], person, "bob", "500", "EUR", "2027-03-01");
        var lost = await CreateOpportunityAsync(pipeline, stages[2], person, "bob", "9999", "EUR", "2027-01-01");
        (await Client.PostAsync($"/api/v1/opportunities/{won}/win", null, Token)).EnsureSuccessStatusCode();
        (await Client.PostAsJsonAsync($"/api/v1/opportunities/{lost}/lose", new { reason = "Budget" }, Token)).EnsureSuccessStatusCode();

        var month = await ReadJsonAsync(await Client.GetAsync($"/api/v1/reports/forecast?pipelineId={pipeline}", Token));
        var quarter = await ReadJsonAsync(await Client.GetAsync($"/api/v1/reports/forecast?period=quarter&pipelineId={pipeline}&from=2027-01-01&to=2027-03-31", Token));

        var thisMonth = DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        // Weighted: 1000.00 × 50 % = 500.00; 333.33 × 80 % = 266.664 → 266.66; 100 USD × 10 % = 10.00; 10.05 × 10 % = 1.005 → 1.00 (half-even); 200 × 50 % = 100.00.
        Assert.Equal(
            [
                $"{thisMonth} bob 0 0.00 0.00 1 500.00 EUR",
                "2027-01 alice 2 1333.33 766.66 0 0.00 EUR",
                "2027-01 alice 1 100.00 10.00 0 0.00 USD",
                "2027-02 bob 1 10.05 1.00 0 0.00 EUR",
                "unscheduled bob 1 200.00 100.00 0 0.00 EUR",
            ],
            Rows(month));
        Assert.Equal(["2027-Q1 alice 2 1333.33 766.66 0 0.00 EUR", "2027-Q1 alice 1 100.00 10.00 0 0.00 USD", "2027-Q1 bob 1 10.05 1.00 0 0.00 EUR"], Rows(quarter));
        Assert.Equal(["period"], await ErrorFieldsAsync(await Client.GetAsync("/api/v1/reports/forecast?period=week", Token)));
        Assert.Equal(["to"], await ErrorFieldsAsync(await Client.GetAsync("/api/v1/reports/forecast?from=2027-02-01&to=2027-01-01", Token)));
        Assert.Empty((await ReadJsonAsync(await api.ClientFor(NewTenant()).GetAsync($"/api/v1/reports/forecast?pipelineId={pipeline}", Token))).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_pipeline_report_counts_value_conversion_and_win_rate_per_stage()
    {
        var (pipeline, stages) = await CreatePipelineAsync();
        var person = await api.CreateCustomerAsync(_tenant);
        await CreateOpportunityAsync(pipeline, stages[0], person, "alice", "100", "EUR", null);
        var moves = await CreateOpportunityAsync(pipeline, stages[0], person, "alice", "300", "EUR", null);
        var wins = await CreateOpportunityAsync(pipeline, stages[1], person, "alice", "50", "USD", null, "partner");
        var loses = await CreateOpportunityAsync(pipeline, stages[0], person, "alice", "70", "EUR", null);
        await MoveAsync(moves, stages[1]);
        (await Client.PostAsync($"/api/v1/opportunities/{wins}/win", null, Token)).EnsureSuccessStatusCode();
        (await Client.PostAsJsonAsync($"/api/v1/opportunities/{loses}/lose", new { reason = "Budget" }, Token)).EnsureSuccessStatusCode();

        var report = await ReadJsonAsync(await Client.GetAsync($"/api/v1/reports/pipeline?pipelineId={pipeline}", Token));

        var first = report.GetProperty("stages")[0];
        var second = report.GetProperty("stages")[1];
        Assert.Equal(1, first.GetProperty("openCount").GetInt32());
        Assert.Equal("100.00", first.GetProperty("openAmount")[0].GetProperty("amount").GetString());
        Assert.Equal("10.00", first.GetProperty("weightedAmount")[0].GetProperty("amount").GetString());
        // Three entered the first stage; one moved on to the second: a third converted.
        Assert.Equal(3, first.GetProperty("entered").GetInt32());
        Assert.Equal(1, first.GetProperty("advanced").GetInt32());
        Assert.Equal(0.3333m, first.GetProperty("conversionRate").GetDecimal());
        Assert.True(first.GetProperty("averageDaysInStage").GetDecimal() >= 0);
        // The second stage: one moved in and stays open, one was created there and won.
        Assert.Equal(1, second.GetProperty("openCount").GetInt32());
        Assert.Equal(2, second.GetProperty("entered").GetInt32());
        Assert.Equal(0.5m, second.GetProperty("conversionRate").GetDecimal());
        Assert.Equal(1, report.GetProperty("won").GetInt32());
        Assert.Equal(1, report.GetProperty("lost").GetInt32());
        Assert.Equal(0.5m, report.GetProperty("winRate").GetDecimal());
        Assert.Equal(
            ["manual 0/1 0", "partner 1/0 1"],
            report.GetProperty("winRateBySource").EnumerateArray().Select(row =>
                $"{row.GetProperty("source").GetString()} {row.GetProperty("won").GetInt32()}/{row.GetProperty("lost").GetInt32()} {row.GetProperty("winRate").GetDecimal()}"));
        Assert.False(report.GetProperty("stages")[2].TryGetProperty("conversionRate", out _), "Nothing entered the last stage: no rate.");
        Assert.Equal(HttpStatusCode.NotFound, (await api.ClientFor(NewTenant()).GetAsync($"/api/v1/reports/pipeline?pipelineId={pipeline}", Token)).StatusCode);
    }

    private static string[] Rows(JsonElement report) =>
    [
        .. report.GetProperty("items").EnumerateArray().Select(row =>
            $"{row.GetProperty("period").GetString()} {row.GetProperty("ownerId").GetString()} {row.GetProperty("openCount").GetInt32()} "
            + $"{row.GetProperty("openAmount").GetProperty("amount").GetString()} {row.GetProperty("weightedAmount").GetProperty("amount").GetString()} "
            + $"{row.GetProperty("wonCount").GetInt32()} {row.GetProperty("wonAmount").GetProperty("amount").GetString()} {row.GetProperty("openAmount").GetProperty("currency").GetString()}"),
    ];

    private async Task<(Guid Id, Guid[] Stages)> CreatePipelineAsync()
    {
        var pipeline = await CreateAsync(
            Client,
            "/api/v1/pipelines",
            new { name = $"Pipeline {Guid.NewGuid():N}", stages = new[] { new { name = "Qualify", probability = 10 }, new { name = "Propose", probability = 50 }, new { name = "Commit", probability = 80 } } });
        return (pipeline.GetProperty("id").GetGuid(), [.. pipeline.GetProperty("stages").EnumerateArray().Select(stage => stage.GetProperty("id").GetGuid())]);
    }

    private async Task<Guid> CreateOpportunityAsync(
        Guid pipelineId, Guid stageId, Guid personId, string ownerId, string amount, string currency, string? expectedCloseDate, string source = "manual") =>
        (await CreateAsync(
            Client,
            "/api/v1/opportunities",
            new { name = "Deal", personId, amount = new { amount, currency }, pipelineId, stageId, ownerId, expectedCloseDate, source })).GetProperty("id").GetGuid();

    private async Task MoveAsync(Guid opportunity, Guid stageId) =>
        (await SendAsync(Client, HttpMethod.Patch, $"/api/v1/opportunities/{opportunity}", JsonSerializer.Serialize(new { stageId }), contentType: "application/merge-patch+json")).EnsureSuccessStatusCode();
}
