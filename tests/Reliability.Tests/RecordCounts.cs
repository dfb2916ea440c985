using System.Text.Json.Nodes;
using CrmCloud.TestInfrastructure;

namespace CrmCloud.Reliability.Tests;

/// <summary>
/// How many records a tenant has, per list of the document (<c>GET /api/v1/people</c> and its kind): what a refused
/// request must leave as it was. Lists that need a filter to answer, and exports, are not counted.
/// </summary>
public sealed class RecordCounts(HttpClient client, ApiDocument document)
{
    private const int MaxPages = 20;
    private static readonly TimeSpan Settling = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(1.5);

    public async Task<SortedDictionary<string, int>> OfAreaAsync(string area, CancellationToken cancellationToken)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var list in document.Operations.Where(operation => operation.IsList && operation.Area == area && operation.Parameters.Any(parameter => parameter.IsCursor)))
        {
            if (await CountAsync(list.Template, cancellationToken) is { } count)
            {
                counts[list.Template] = count;
            }
        }

        return counts;
    }

    /// <summary>Waits until no list of any area has changed for a while: the events of earlier writes have had their effects.</summary>
    public Task SettleAsync(CancellationToken cancellationToken)
    {
        var areas = document.Operations.Select(operation => operation.Area).Distinct().ToList();
        return UntilStableAsync(
            async () => string.Join(";", (await Task.WhenAll(areas.Select(area => OfAreaAsync(area, cancellationToken))))
                .SelectMany(counts => counts.Select(count => $"{count.Key}={count.Value}"))),
            "the tenant's lists to stop changing");
    }

    /// <summary>The snapshot once it has stayed the same for a while, so that what follows compares against a settled state.</summary>
    public static async Task<string> UntilStableAsync(Func<Task<string>> snapshot, string what)
    {
        string? previous = null;
        var since = DateTimeOffset.UtcNow;
        return await Eventually.Until(
            async () =>
            {
                var current = await snapshot();
                if (current != previous)
                {
                    (previous, since) = (current, DateTimeOffset.UtcNow);
                }

                return DateTimeOffset.UtcNow - since >= QuietFor ? current : null;
            },
            Settling,
            what);
    }

    public static string Difference(SortedDictionary<string, int> before, SortedDictionary<string, int> after) =>
        string.Join(", ", after.Where(count => before.GetValueOrDefault(count.Key) != count.Value)
            .Select(count => $"{count.Key}: {before.GetValueOrDefault(count.Key)} → {count.Value}"));

    private async Task<int?> CountAsync(string path, CancellationToken cancellationToken)
    {
        var count = 0;
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            using var response = await client.GetAsync(cursor is null ? $"{path}?limit=200" : $"{path}?limit=200&cursor={Uri.EscapeDataString(cursor)}", cancellationToken);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "application/json")
            {
                return null;
            }

            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (body?["items"] is not JsonArray items)
            {
                return null;
            }

            count += items.Count;
            cursor = body["nextCursor"]?.GetValue<string>();
            if (cursor is null)
            {
                return count;
            }
        }

        return count;
    }
}
