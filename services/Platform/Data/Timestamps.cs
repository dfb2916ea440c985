namespace CrmCloud.Platform.Data;

public static class Timestamps
{
    /// <summary>
    /// <paramref name="time"/> as PostgreSQL keeps it (to the microsecond), so that what a change returns is what
    /// later reads return and times compare the same before and after they are saved.
    /// </summary>
    public static DateTimeOffset Stored(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMicrosecond));
}
