using System.Globalization;

namespace CrmCloud.Bench;

/// <summary><c>--name value</c> pairs of a bench command line.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        using var arg = args.GetEnumerator();
        while (arg.MoveNext())
        {
            var name = arg.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || !arg.MoveNext())
            {
                throw new ArgumentException($"Expected --name value pairs, not '{name}'.");
            }

            options._values[name[2..]] = arg.Current;
        }

        return options;
    }

    public string Required(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public int Number(string name, int fallback) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
