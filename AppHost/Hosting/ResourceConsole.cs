namespace CrmCloud.AppHost.Hosting;

/// <summary>
/// Every resource's output interleaved on the console, each line prefixed with the resource's
/// name, aligned and (on a terminal) coloured; the AppHost's own lines say <c>[apphost]</c>.
/// </summary>
internal sealed class ResourceConsole
{
    public const string AppHostName = "apphost";

    private static readonly string[] Colours = ["36", "32", "33", "35", "34", "96", "92", "93", "95", "94", "91"];
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> colours = new(StringComparer.OrdinalIgnoreCase);
    private readonly int width;
    private readonly bool useColour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public ResourceConsole(IEnumerable<string> names)
    {
        string[] all = [AppHostName, .. names];
        width = all.Max(name => name.Length) + 2;
        for (var i = 0; i < all.Length; i++)
        {
            colours[all[i]] = i == 0 ? "1" : Colours[(i - 1) % Colours.Length];
        }
    }

    /// <summary>Where a resource's output lines go.</summary>
    public Action<string> For(string name) => line => Write(name, line);

    public void Info(string message) => Write(AppHostName, message);

    public void Error(string message)
    {
        lock (gate)
        {
            foreach (var line in message.Split('\n'))
            {
                Console.Error.WriteLine(useColour ? $"\e[31m{Prefix(AppHostName)} {line}\e[0m" : $"{Prefix(AppHostName)} {line}");
            }
        }
    }

    /// <summary>A line without prefix (the summary).</summary>
    public void Plain(string line)
    {
        lock (gate)
        {
            Console.Out.WriteLine(line);
        }
    }

    private void Write(string name, string line)
    {
        var prefix = Prefix(name);
        lock (gate)
        {
            Console.Out.WriteLine(useColour ? $"\e[{colours.GetValueOrDefault(name, "0")}m{prefix}\e[0m {line}" : $"{prefix} {line}");
        }
    }

    private string Prefix(string name) => $"[{name}]".PadRight(width);
}
