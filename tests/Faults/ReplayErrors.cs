namespace CrmCloud.Faults;

/// <summary>
/// <c>./crm replay-errors</c>: lists the error queues of a running system (its state folder, <c>.crm/</c> by default) with
/// the reason of each parked message, and moves the messages back to their queues once their cause is fixed.
/// </summary>
internal static class ReplayErrors
{
    private const int ShownPerQueue = 10;

    public static async Task<int> RunAsync(string[] options)
    {
        var state = Option(options, "--state") ?? Path.Combine(RepositoryRoot(), ".crm");
        var only = Option(options, "--queue");
        using var errorQueues = ErrorQueues.Of(state);
        var queues = (await errorQueues.ListAsync())
            .Where(queue => only is null ? queue.Messages > 0 : queue.Queue == only)
            .ToList();
        if (only is not null && queues.Count == 0)
        {
            Console.Error.WriteLine($"No error queue is named {only}.");
            return 1;
        }

        if (queues.Count == 0)
        {
            Console.WriteLine("No parked messages.");
            return 0;
        }

        foreach (var (queue, messages) in queues)
        {
            Console.WriteLine($"{queue}: {messages} parked");
            foreach (var message in await errorQueues.PeekAsync(queue, ShownPerQueue))
            {
                Console.WriteLine($"  {message.MessageId}  {message.Reason}");
            }

            if (!options.Contains("--list"))
            {
                var moved = await errorQueues.ReplayAsync(queue);
                Console.WriteLine($"  moved {moved} back to {queue[..^ErrorQueues.Suffix.Length]}");
            }
        }

        return 0;
    }

    private static string? Option(string[] options, string name)
    {
        var index = Array.IndexOf(options, name);
        return index >= 0 && index + 1 < options.Length ? options[index + 1] : null;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CrmCloud.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
