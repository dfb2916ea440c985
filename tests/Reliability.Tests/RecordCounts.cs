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
    private static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(2);

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
    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        var areas = document.Operations.Select(operation => operation.Area).Distinct().ToList();
        string? previous = null;
        var since = DateTimeOffset.UtcNow;
        await Eventually.Until(
            async () =>
            {
                var snapshot = string.Join(";", (await Task.WhenAll(areas.Select(area => OfAreaAsync(area, cancellationToken))))
                    .SelectMany(counts => counts.Select(count => $"{count.Key}={count.Value}")));
                if (snapshot != previous)
                {
                    (previous, since) = (snapshot, DateTimeOffset.UtcNow);
                }

                return DateTimeOffset.UtcNow - since >= QuietFor;
            },
            Settling,
            "the tenant's lists to stop changing");
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
