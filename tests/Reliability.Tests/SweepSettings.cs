using System.Globalization;

namespace CrmCloud.Reliability.Tests;

/// <summary>
/// How hard the sweeps try, from the environment: <c>RELIABILITY_SEED</c> replays a run, <c>RELIABILITY_CASES</c>
/// sets the cases per operation and input class (1 in the short run of <c>./crm test</c>, more in <c>./crm reliability</c>).
/// </summary>
public static class SweepSettings
{
    public static readonly int Seed = Number("RELIABILITY_SEED") ?? Random.Shared.Next();

    public static readonly int CasesPerClass = Math.Max(1, Number("RELIABILITY_CASES") ?? 1);

    public static string Replay => $"RELIABILITY_SEED={Seed} RELIABILITY_CASES={CasesPerClass}";

    /// <summary>
    /// A generator of its own for one operation and input class, so that a failure replays with the same seed
    /// whatever ran before it (string.GetHashCode differs between processes, so the name is hashed here).
    /// </summary>
    public static Random RandomFor(string operation, string inputClass)
    {
        var hash = 2166136261u;
        foreach (var character in $"{operation}|{inputClass}")
        {
            hash = (hash ^ character) * 16777619u;
        }

        return new Random(unchecked(Seed ^ (int)hash));
    }

    private static int? Number(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
