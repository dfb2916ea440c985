using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmCloud.Support.Features.Sla;
using CrmCloud.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrmCloud.Support.Tests;

public sealed class SlaTests(SupportClockApi api) : IClassFixture<SupportClockApi>
{
    private static readonly string[] Weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"];

    private readonly string _tenant = SupportApi.NewTenant();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static object BerlinCalendar => new
    {
        name = "Berlin office",
        timeZone = "Europe/Berlin",
        workingHours = Weekdays.Select(day => new { day, start = "09:00", end = "17:00" }),
        holidays = new[] { "2026-12-25" },
    };

    [Fact]
    public async Task A_gold_customers_ticket_is_due_in_the_business_hours_of_the_gold_policy_and_pending_pauses_it()
    {
        api.Clock.Set(SupportClockApi.Start);
        var client = api.ClientFor(_tenant);
        var calendar = (await SupportApi.CreateAsync(client, "/api/v1/business-calendars", BerlinCalendar)).GetProperty("id").GetGuid();
        await SupportApi.CreateAsync(client, "/api/v1/sla-policies", new
        {
            name = "Gold",
            tier = "Gold",
            calendarId = calendar,
            targets = new[] { new { priority = "high", firstResponseMinutes = 120, resolutionMinutes = 480 } },
        });
        await SupportApi.CreateAsync(client, "/api/v1/sla-policies", new
        {
            name = "Everyone else",
            targets = new[] { new { priority = "high", firstResponseMinutes = 1440, resolutionMinutes = 4320 } },
        });
        var company = Guid.CreateVersion7();
        await SupportApi.CreateAsync(client, "/api/v1/service-contracts", new { name = "Gold 2026", companyId = company, tier = "gold", validFrom = "2026-01-01", validUntil = "2026-12-31" });

        var ticket = await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject = "Down", requesterEmail = "ops@example.com", companyId = company, priority = "high", status = "open" });
        var id = ticket.GetProperty("id").GetGuid();
        Assert.Equal("gold", ticket.GetProperty("serviceTier").GetString());
        // Friday 15:00 Berlin: first response by 17:00 that day; resolution 2 hours on Friday and 6 on Monday, so Monday 15:00 Berlin.
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero), ticket.GetProperty("firstResponseDueAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 14, 0, 0, TimeSpan.Zero), ticket.GetProperty("resolutionDueAt").GetDateTimeOffset());

        // Pending at Monday 10:00 Berlin (3 of 8 hours used), open again on Tuesday 09:00 Berlin: due Tuesday 14:00 Berlin.
        api.Clock.Set(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        var pending = await SupportApi.PatchAsync(client, $"/api/v1/tickets/{id}", new { status = "pending" });
        Assert.True(pending.GetProperty("slaPaused").GetBoolean());
        Assert.False(pending.TryGetProperty("resolutionDueAt", out _));
        api.Clock.Set(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var reopened = await SupportApi.PatchAsync(client, $"/api/v1/tickets/{id}", new { status = "open" });
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 13, 0, 0, TimeSpan.Zero), reopened.GetProperty("resolutionDueAt").GetDateTimeOffset());

        // Without a contract the default policy applies, counted around the clock.
        var plain = await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject = "Slow", requesterEmail = "x@example.com", priority = "high" });
        Assert.False(plain.TryGetProperty("serviceTier", out _));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero), plain.GetProperty("firstResponseDueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Warnings_and_breaches_fire_once_each_across_two_instances_and_a_restart()
    {
        var start = new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);
        api.Clock.Set(start);
        var client = api.ClientFor(_tenant);
        await SupportApi.CreateAsync(client, "/api/v1/sla-policies", new
        {
            name = "Around the clock",
            targets = new[] { new { priority = "urgent", firstResponseMinutes = 60, resolutionMinutes = 240 } },
        });
        var id = (await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject = "Fire", requesterEmail = "f@example.com", priority = "urgent" })).GetProperty("id").GetGuid();

        // 45 minutes in: the first-response warning (30 minutes ahead) is due. The service's own worker races two more instances.
        api.Clock.Set(start.AddMinutes(45));
        await Task.WhenAll(RoundAsync(start.AddMinutes(45)), RoundAsync(start.AddMinutes(45)));
        await Eventually.Until(async () => await CountAsync("SlaWarning", id, "first-response") == 1, TimeSpan.FromSeconds(10), "the warning");

        // 61 minutes in: the first response is breached; the resolution is not due yet.
        api.Clock.Set(start.AddMinutes(61));
        await Task.WhenAll(RoundAsync(start.AddMinutes(61)), RoundAsync(start.AddMinutes(61)));
        await Eventually.Until(async () => await CountAsync("SlaBreached", id, "first-response") == 1, TimeSpan.FromSeconds(10), "the breach");

        // A restarted instance repeats its last round: nothing is announced twice.
        Assert.Equal(0, await RoundAsync(start.AddMinutes(61)));
        Assert.Equal(1, await CountAsync("SlaWarning", id, "first-response"));
        Assert.Equal(1, await CountAsync("SlaBreached", id, "first-response"));
        Assert.Equal(0, await CountAsync("SlaWarning", id, "resolution"));

        // Answered and solved in time: no resolution alarms, however late the clock gets.
        await SupportApi.CreateAsync(client, $"/api/v1/tickets/{id}/messages", new { body = "On it." });
        await SupportApi.PatchAsync(client, $"/api/v1/tickets/{id}", new { status = "solved" });
        api.Clock.Set(start.AddDays(2));
        Assert.Equal(0, await RoundAsync(start.AddDays(2)));
        Assert.Equal(0, await CountAsync("SlaBreached", id, "resolution"));
    }

    [Fact]
    public async Task Calendars_policies_and_contracts_are_validated_changed_deleted_and_kept_per_tenant()
    {
        var client = api.ClientFor(_tenant);
        Assert.Equal(
            ["holidays", "name", "timeZone", "workingHours[0].end", "workingHours[1].day"],
            (await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync("/api/v1/business-calendars", new
            {
                timeZone = "Mars/Olympus",
                workingHours = new object[] { new { day = "monday", start = "17:00", end = "09:00" }, new { day = "someday", start = "09:00", end = "10:00" } },
                holidays = Enumerable.Range(0, 1001).Select(i => new DateOnly(2026, 1, 1).AddDays(i)),
            }, Token))).Order());
        Assert.Contains("workingHours[1]", await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync("/api/v1/business-calendars", new
        {
            name = "Overlap",
            timeZone = "UTC",
            workingHours = new[] { new { day = "monday", start = "09:00", end = "13:00" }, new { day = "monday", start = "12:00", end = "18:00" } },
        }, Token)));
        Assert.Equal(
            ["calendarId", "name", "targets[0].priority", "targets[1].resolutionMinutes"],
            (await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync("/api/v1/sla-policies", new
            {
                calendarId = Guid.NewGuid(),
                targets = new object[] { new { priority = "asap", firstResponseMinutes = 1, resolutionMinutes = 2 }, new { priority = "low", firstResponseMinutes = 60, resolutionMinutes = 30 } },
            }, Token))).Order());
        Assert.Equal(
            ["companyId", "name", "tier", "validUntil"],
            (await SupportApi.InvalidFieldsAsync(await client.PostAsJsonAsync("/api/v1/service-contracts", new { validFrom = "2026-05-01", validUntil = "2026-04-01" }, Token))).Order());

        var calendar = await SupportApi.CreateAsync(client, "/api/v1/business-calendars", BerlinCalendar);
        var calendarId = calendar.GetProperty("id").GetGuid();
        var changed = await SupportApi.PatchAsync(client, $"/api/v1/business-calendars/{calendarId}", new { name = "Berlin HQ", holidays = (string[])["2026-12-24", "2026-12-25"] });
        Assert.Equal("Berlin HQ", changed.GetProperty("name").GetString());
        Assert.Equal(2, changed.GetProperty("holidays").GetArrayLength());
        Assert.Equal(5, changed.GetProperty("workingHours").GetArrayLength());
        Assert.Equal(2, changed.GetProperty("version").GetInt64());
        Assert.Contains("color", await SupportApi.InvalidFieldsAsync(await client.PatchAsJsonAsync($"/api/v1/business-calendars/{calendarId}", new { color = "red" }, Token)));

        var policy = new { name = "Default", targets = new[] { new { priority = "normal", firstResponseMinutes = 60, resolutionMinutes = 600 } } };
        var policyId = (await SupportApi.CreateAsync(client, "/api/v1/sla-policies", policy)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/api/v1/sla-policies", policy, Token)).StatusCode);

        var stranger = api.ClientFor(SupportApi.NewTenant());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/business-calendars/{calendarId}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PatchAsJsonAsync($"/api/v1/sla-policies/{policyId}", new { name = "Mine" }, Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/v1/sla-policies/{policyId}", Token)).StatusCode);
        Assert.Empty(await SupportApi.ItemsAsync(stranger, "/api/v1/service-contracts"));
        // Another tenant may have its own default policy.
        Assert.Equal(HttpStatusCode.Created, (await stranger.PostAsJsonAsync("/api/v1/sla-policies", policy, Token)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/sla-policies/{policyId}", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/sla-policies/{policyId}", Token)).StatusCode);
    }

    /// <summary>A round of the timers as another instance runs it, at <paramref name="now"/>.</summary>
    private async Task<int> RoundAsync(DateTimeOffset now)
    {
        api.Clock.Set(now);
        await using var scope = api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SlaAlarms>().FireDueAsync(Token);
    }

    private Task<long> CountAsync(string type, Guid ticketId, string target) =>
        Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND payload->>'ticketId' = $2 AND payload->>'target' = $3",
            $"CrmCloud.Contracts.Support.{type}",
            ticketId.ToString(),
            target);
}
