using CrmCloud.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrmCloud.Support.Tests;

/// <summary>
/// Support in-process without SLA timers, on a <see cref="StoppedClock"/>: it opens tickets as of a chosen time, so that
/// they are due when a test wants, while the timers run in separate processes on the real clock.
/// </summary>
public sealed class SupportWithoutTimersApi(ServersFixture servers) : SupportApi(servers)
{
    public StoppedClock Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("SlaTimers:Worker", "false");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class SlaRestartTests(SupportWithoutTimersApi api) : IClassFixture<SupportWithoutTimersApi>
{
    private static readonly Dictionary<string, string> Timers = new() { ["SlaTimers:PollInterval"] = "00:00:00.100" };

    private readonly string _tenant = SupportApi.NewTenant();

    [Fact]
    public async Task A_breach_due_while_the_service_is_down_fires_once_when_it_is_back_and_one_fired_before_the_crash_never_again()
    {
        var client = api.ClientFor(_tenant);
        await SupportApi.CreateAsync(client, "/api/v1/sla-policies", new
        {
            name = "Around the clock",
            targets = new[] { new { priority = "urgent", firstResponseMinutes = 60, resolutionMinutes = 600 } },
        });

        var beforeCrash = await OpenDueAsync(client, "Before the crash");
        await using (var first = await ServiceProcess.StartAsync(api, Timers))
        {
            await UntilBreachedAsync(beforeCrash, first);
            first.Kill();
        }

        var whileDown = await OpenDueAsync(client, "While the service is down");
        Assert.Equal(0, await BreachesAsync(whileDown));

        await using (var second = await ServiceProcess.StartAsync(api, Timers))
        {
            await UntilBreachedAsync(whileDown, second);
            // Rounds go on after the restart (a ticket falling due now fires too); none of them repeated an earlier breach.
            await UntilBreachedAsync(await OpenDueAsync(client, "After the restart"), second);
        }

        Assert.Equal(1, await BreachesAsync(beforeCrash));
        Assert.Equal(1, await BreachesAsync(whileDown));
    }

    /// <summary>A ticket opened 61 minutes ago on the real clock: its first response, due in 60, is overdue now.</summary>
    private async Task<Guid> OpenDueAsync(HttpClient client, string subject)
    {
        api.Clock.Set(DateTimeOffset.UtcNow.AddMinutes(-61));
        return (await SupportApi.CreateAsync(client, "/api/v1/tickets", new { subject, priority = "urgent", requesterEmail = "due@example.com" })).GetProperty("id").GetGuid();
    }

    private Task UntilBreachedAsync(Guid ticket, ServiceProcess service) =>
        Eventually.Until(async () => await BreachesAsync(ticket) >= 1, TimeSpan.FromSeconds(30), $"the breach of ticket {ticket}; the service said:\n{service.Output}");

    private Task<long> BreachesAsync(Guid ticket) =>
        Database.CountAsync(
            api.DatabaseConnectionString,
            "SELECT count(*) FROM outbox_messages WHERE message_type = 'CrmCloud.Contracts.Support.SlaBreached' AND payload->>'ticketId' = $1 AND payload->>'target' = 'first-response'",
            ticket.ToString());
}
