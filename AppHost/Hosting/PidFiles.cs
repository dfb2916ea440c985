using System.Diagnostics;
using System.Globalization;

namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// One file per running child in the state folder's <c>pids/</c>: pid, start time and stop signal.
/// When the AppHost was killed hard, the next start stops what it left behind.
/// </summary>
internal static class PidFiles
{
    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(15);

    public static string PathOf(string directory, string name) => Path.Combine(directory, name + ".pid");

    public static void Write(string path, int pid, int stopSignal)
    {
        var startTime = UnixProcess.StartTime(pid) ?? 0;
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"{pid} {startTime} {stopSignal}\n"));
    }

    /// <summary>Stops the leftover recorded under <paramref name="name"/>, or every leftover when it is null.</summary>
    /// <returns>A sentence per process stopped.</returns>
    public static async Task<IReadOnlyList<string>> StopLeftoversAsync(string directory, string? name = null)
    {
        var files = name is null
            ? Directory.Exists(directory) ? Directory.GetFiles(directory, "*.pid") : []
            : File.Exists(PathOf(directory, name)) ? [PathOf(directory, name)] : [];
        var stopped = await Task.WhenAll(files.Select(StopLeftoverAsync));
        return [.. stopped.OfType<string>()];
    }

    private static async Task<string?> StopLeftoverAsync(string path)
    {
        var fields = (await File.ReadAllTextAsync(path)).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        File.Delete(path);
        if (fields.Length < 3
            || !int.TryParse(fields[0], CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(fields[1], CultureInfo.InvariantCulture, out var startTime)
            || !int.TryParse(fields[2], CultureInfo.InvariantCulture, out var stopSignal)
            || !UnixProcess.IsRunning(pid, startTime))
        {
            return null;
        }

        UnixProcess.Signal(pid, stopSignal);
        if (!await ExitsWithinAsync(pid, startTime, GracefulStopTimeout))
        {
            UnixProcess.SignalGroup(pid, UnixProcess.SigKill);
            await ExitsWithinAsync(pid, startTime, TimeSpan.FromSeconds(5));
        }

        return $"stopped {Path.GetFileNameWithoutExtension(path)} (pid {pid}), left running by an earlier AppHost";
    }

    private static async Task<bool> ExitsWithinAsync(int pid, long startTime, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (UnixProcess.IsRunning(pid, startTime))
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
