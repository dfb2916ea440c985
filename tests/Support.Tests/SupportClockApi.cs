using CrmCloud.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CrmCloud.Support.Tests;

/// <summary>A clock that stands still until a test moves it: due times and timers become exact.</summary>
public sealed class StoppedClock(DateTimeOffset now) : TimeProvider
{
    private long _ticks = now.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _ticks, now.UtcTicks);
}

/// <summary>
/// The support service on a <see cref="StoppedClock"/> set to Friday 27 November 2026, 14:00 UTC (15:00 in Berlin),
/// with its SLA timer and maintenance workers polling every 50 ms.
/// </summary>
public sealed class SupportClockApi(ServersFixture servers) : SupportApi(servers)
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);

    public StoppedClock Clock { get; } = new(Start);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("SlaTimers:PollInterval", "00:00:00.050");
        builder.UseSetting("Maintenance:PollInterval", "00:00:00.050");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}
