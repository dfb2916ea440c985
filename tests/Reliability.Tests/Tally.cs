using System.Globalization;
using System.Text;
using Xunit;

namespace CrmCloud.Reliability.Tests;

/// <summary>
/// What a sweep sent and got, by row (an input class, or what was tried): operations, requests and responses by
/// status. Printed to the test's output and written to <c>TestResults/reliability/{name}.md</c> beside the solution.
/// </summary>
public sealed class Tally(string name)
{
    private readonly SortedDictionary<string, (HashSet<string> Operations, SortedDictionary<int, int> Statuses)> _rows = new(StringComparer.Ordinal);
    private readonly List<string> _failures = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_gate)
            {
                return [.. _failures];
            }
        }
    }

    public void Count(string row, string operation, int status)
    {
        lock (_gate)
        {
            if (!_rows.TryGetValue(row, out var entry))
            {
                entry = ([], []);
                _rows[row] = entry;
            }

            entry.Operations.Add(operation);
            entry.Statuses[status] = entry.Statuses.GetValueOrDefault(status) + 1;
        }
    }

    public void Fail(string failure)
    {
        lock (_gate)
        {
            _failures.Add(failure);
        }
    }

    /// <summary>Prints and writes the table, then fails the test with the first failures and the way to replay them.</summary>
    public void Report()
    {
        var table = Table();
        TestContext.Current.TestOutputHelper?.WriteLine(table);
        var folder = Path.Combine(RepositoryRoot(), "TestResults", "reliability");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"{name}.md"), table);

        var failures = Failures;
        if (failures.Count > 0)
        {
            Assert.Fail($"{failures.Count} failure(s); replay with {SweepSettings.Replay}:\n{string.Join("\n\n", failures.Take(20))}\n\n{table}");
        }
    }

    private string Table()
    {
        lock (_gate)
        {
            var statuses = _rows.Values.SelectMany(row => row.Statuses.Keys).Distinct().Order().ToList();
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"{name} ({SweepSettings.Replay})");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"| | operations | requests | {string.Join(" | ", statuses)} |");
            text.AppendLine(CultureInfo.InvariantCulture, $"| --- | --- | --- |{string.Concat(statuses.Select(_ => " --- |"))}");
            foreach (var (row, (operations, counts)) in _rows)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {row} | {operations.Count} | {counts.Values.Sum()} | {string.Join(" | ", statuses.Select(status => counts.GetValueOrDefault(status)))} |");
            }

            var total = statuses.Select(status => _rows.Values.Sum(row => row.Statuses.GetValueOrDefault(status)));
            text.AppendLine(CultureInfo.InvariantCulture, $"| all | {_rows.Values.SelectMany(row => row.Operations).Distinct().Count()} | {_rows.Values.Sum(row => row.Statuses.Values.Sum())} | {string.Join(" | ", total)} |");
            text.AppendLine(CultureInfo.InvariantCulture, $"failures: {_failures.Count}");
            return text.ToString();
        }
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

        return AppContext.BaseDirectory;
    }
}
