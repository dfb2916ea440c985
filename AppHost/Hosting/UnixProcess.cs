using System.Globalization;
using System.Runtime.InteropServices;

namespace CrmCloud.AppHost.Hosting;

/// <summary>The few POSIX calls .NET does not expose: signals to a process or its group, and who we run as.</summary>
internal static partial class UnixProcess
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    public static bool IsRoot => GetEffectiveUserId() == 0;

    public static void Signal(int pid, int signal) => _ = Kill(pid, signal);

    /// <summary>Signals every process of the group led by <paramref name="pid"/> (children started with setsid lead one).</summary>
    public static void SignalGroup(int pid, int signal) => _ = Kill(-pid, signal);

    /// <summary>
    /// Restores the default action of a signal the process inherited as ignored: a shell without job
    /// control starts background commands with SIGINT ignored, and the AppHost must still stop on it.
    /// </summary>
    public static void RestoreDefaultAction(int signal) => _ = SetSignalHandler(signal, 0);

    /// <summary>The start time of a process in clock ticks since boot: it tells a live process from a reused pid.</summary>
    public static long? StartTime(int pid) => ReadStat(pid) is { } fields ? long.Parse(fields[19], CultureInfo.InvariantCulture) : null;

    /// <summary>Whether the process that had <paramref name="startTime"/> still runs (a zombie does not).</summary>
    public static bool IsRunning(int pid, long startTime) =>
        ReadStat(pid) is { } fields && fields[0] != "Z" && long.Parse(fields[19], CultureInfo.InvariantCulture) == startTime;

    /// <summary>The fields of /proc/{pid}/stat after the command name: [0] is the state, [19] the start time.</summary>
    private static string[]? ReadStat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetSignalHandler(int signal, nint handler);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
