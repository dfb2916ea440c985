using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CrmCloud.Bench.Harness;

/// <summary>One line of the table: our figure against the reference measured in the same run.</summary>
internal sealed record Row(string Scenario, string Ours, string Reference, string Ratio, string Target, bool? Met)
{
    public static Row NotMeasured(string scenario, string target) => new(scenario, "not measured yet", "", "", target, null);
}

internal sealed record Machine(int Cores, long MemoryBytes, string Cpu, double LoadAverage)
{
    public static Machine Here()
    {
        var memory = File.ReadLines("/proc/meminfo").First(line => line.StartsWith("MemTotal:", StringComparison.Ordinal));
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        return new Machine(
            Environment.ProcessorCount,
            long.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024,
            cpu ?? "unknown",
            double.Parse(load, CultureInfo.InvariantCulture));
    }
}

/// <summary>The table printed and written to <c>bench/results/&lt;time&gt;.md</c>, the raw figures to <c>.json</c> beside it.</summary>
internal sealed record Report(
    DateTimeOffset At, string Mode, Machine Machine, IReadOnlyDictionary<string, string> Versions, IReadOnlyList<Row> Rows,
    IReadOnlyDictionary<string, long> IdleMemory, IReadOnlyDictionary<string, long> LoadedMemory, IReadOnlyDictionary<string, object?> Raw)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string Markdown()
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"CrmCloud bench ({Mode}), {At:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine(Table(Rows));
        text.AppendLine("| process | resident idle | resident under the write load |");
        text.AppendLine("| --- | --- | --- |");
        foreach (var (name, idle) in IdleMemory)
        {
            text.AppendLine(invariant, $"| {name} | {Megabytes(idle)} | {(LoadedMemory.TryGetValue(name, out var loaded) ? Megabytes(loaded) : "")} |");
        }

        text.AppendLine();
        text.AppendLine(invariant, $"Machine: {Machine.Cores} cores ({Machine.Cpu}), {Machine.MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB, load average {Machine.LoadAverage:0.0} at the start.");
        text.AppendLine(invariant, $"Versions: {string.Join(", ", Versions.Select(pair => $"{pair.Key} {pair.Value}"))}.");
        return text.ToString();
    }

    /// <summary>The scenarios' table alone.</summary>
    public static string Table(IEnumerable<Row> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | ours | reference (same run) | ratio | target | met |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Scenario} | {row.Ours} | {row.Reference} | {row.Ratio} | {row.Target} | {row.Met switch { true => "yes", false => "no", null => "" }} |");
        }

        return text.ToString();
    }

    /// <summary>Writes <c>&lt;time&gt;.md</c> and <c>&lt;time&gt;.json</c> into <paramref name="folder"/>; returns the table's path.</summary>
    public async Task<string> WriteAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var name = Path.Combine(folder, At.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        await File.WriteAllTextAsync(name + ".md", Markdown());
        await File.WriteAllTextAsync(name + ".json", JsonSerializer.Serialize(this, Json));
        return name + ".md";
    }

    public static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0} MB");
}
