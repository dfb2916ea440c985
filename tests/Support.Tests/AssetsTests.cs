using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Support.Features.Assets;
using CrmCloud.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrmCloud.Support.Tests;

public sealed class AssetsTests(SupportClockApi api) : IClassFixture<SupportClockApi>
{
    private readonly string _tenant = SupportApi.NewTenant();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_due_maintenance_opens_one_proactive_ticket_however_many_instances_look()
    {
        var client = api.ClientFor(_tenant);
        var person = await api.CreateRequesterAsync(_tenant, "site@example.com");
        var asset = await SupportApi.CreateAsync(client, "/api/v1/assets", new
        {
            product = "Boiler X200",
            serialNumber = "SN-1",
            personId = person,
            installedOn = "2025-11-27",
            warrantyEndsOn = "2027-11-27",
            maintenanceEveryDays = 90,
            firstMaintenanceOn = "2026-11-27",
        });
        var assetId = asset.GetProperty("id").GetGuid();
        Assert.Equal("2026-11-27", asset.GetProperty("nextMaintenanceOn").GetString());

        // The service's own worker races two more instances on the stopped clock's day.
        var scheduler = api.Services.GetRequiredService<MaintenanceScheduler>();
        await Task.WhenAll(scheduler.OpenDueAsync(SupportClockApi.Start, Token), scheduler.OpenDueAsync(SupportClockApi.Start, Token));
        // The service's worker may still be committing the ticket the two racers skipped: wait for it.
        var tickets = await Eventually.Until(
            async () => (await SupportApi.ItemsAsync(client, "/api/v1/tickets")) is { Length: > 0 } items ? items : null,
            TimeSpan.FromSeconds(10),
            "the maintenance ticket");
        var ticket = tickets[0];
        Assert.Equal(0, await scheduler.OpenDueAsync(SupportClockApi.Start, Token));

        Assert.Single(await SupportApi.ItemsAsync(client, "/api/v1/tickets"));
        Assert.Equal("proactive", ticket.GetProperty("kind").GetString());
        Assert.Equal(assetId, ticket.GetProperty("assetId").GetGuid());
        Assert.Equal(person, ticket.GetProperty("requesterPersonId").GetGuid());
        Assert.Equal("2027-02-25", (await client.GetFromJsonAsync<JsonElement>($"/api/v1/assets/{assetId}", Token)).GetProperty("nextMaintenanceOn").GetString());

        var rescheduled = await SupportApi.PatchAsync(client, $"/api/v1/assets/{assetId}", new { maintenanceEveryDays = (int?)null, firstMaintenanceOn = (string?)null });
        Assert.False(rescheduled.TryGetProperty("nextMaintenanceOn", out _));
    }

    [Fact]
    public async Task Invalid_assets_are_refused_and_another_tenant_sees_none()
    {
        var client = api.ClientFor(_tenant);
        Assert.Equal(
            ["firstMaintenanceOn", "personId", "product", "warrantyEndsOn"],
            (await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync("/api/v1/assets", new
            {
                personId = Guid.NewGuid(),
                installedOn = "2026-01-01",
                warrantyEndsOn = "2025-01-01",
                firstMaintenanceOn = "2026-02-01",
            }, Token))).Order());

        var person = await api.CreateRequesterAsync(_tenant, "owner@example.com");
        var id = (await SupportApi.CreateAsync(client, "/api/v1/assets", new { product = "Router", personId = person })).GetProperty("id").GetGuid();
        var stranger = api.ClientFor(SupportApi.NewTenant());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/assets/{id}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/v1/assets/{id}", Token)).StatusCode);
        Assert.Empty(await SupportApi.ItemsAsync(stranger, "/api/v1/assets"));
    }
}
