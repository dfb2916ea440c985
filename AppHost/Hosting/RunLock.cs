namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// One AppHost per state folder: a second one would take the first one's children for leftovers.
/// The lock is the kernel's (released even when the AppHost is killed hard).
/// </summary>
internal static class RunLock
{
    public static FileStream? TryAcquire(StateDirectory state)
    {
        try
        {
            var stream = new FileStream(state.Combine("apphost.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.WriteLine(Environment.ProcessId);
            return stream;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
