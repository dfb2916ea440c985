using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Reliability.Tests;

/// <summary>
/// One tenant (the owner) has one record of everything; a second tenant (the stranger) with every scope and the
/// administrator role is pointed at each of them by every operation whose path names a record, and reads every list.
/// </summary>
public sealed class TenantIsolationTests(SweptSystem system)
{
    [Fact]
    public async Task Another_tenant_gets_404_for_every_record_and_never_sees_one_in_a_list()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var owner = await system.ClientForAsync($"owner-{Guid.NewGuid():N}");
        using var stranger = await system.ClientForAsync($"stranger-{Guid.NewGuid():N}");
        var document = await ApiDocument.ReadAsync(owner, cancellationToken);
        var records = await TenantRecords.CreateAsync(owner, document, cancellationToken);
        Assert.True(records.Refused.Count == 0, $"Records the sweep needs were refused:\n{string.Join("\n", records.Refused)}");
        var requests = new HostileRequests(document, records);
        var tally = new Tally("tenant-isolation");
        var uncovered = new List<string>();
        // Some records change on their own after creation (a copy arriving, a payment applied to an issued invoice): wait for that.
        await RecordCounts.UntilStableAsync(async () => string.Join(";", await OwnersRecordsAsync(owner, document, records, cancellationToken)), "the owner's records to settle");
        var before = await OwnersRecordsAsync(owner, document, records, cancellationToken);

        // Reads and changes before deletes: a delete that got through must not hide what the others would show.
        foreach (var operation in document.Operations.Where(operation => !operation.IsPublic && operation.PathParameters.Any())
                     .OrderBy(operation => operation.Method == "DELETE"))
        {
            if (operation.PathParameters.Any(parameter => records.ValueFor(operation, parameter) is null))
            {
                uncovered.Add(operation.Name);
                continue;
            }

            var path = operation.Fill(parameter => records.ValueFor(operation, parameter)!);
            using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path);
            if (operation.HasJsonBody)
            {
                // A body the service would accept for a record of the stranger's own, so that only the tenant decides the answer.
                var body = requests.Sample(operation.BodySchema, "body", SweepSettings.RandomFor(operation.Name, "isolation"));
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            using var response = await stranger.SendAsync(request, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            tally.Count($"{operation.Method} of the owner's record", operation.Name, (int)response.StatusCode);
            // An action may check its body before it looks for the record: a 400 reveals nothing and does nothing.
            var refused = response.StatusCode == HttpStatusCode.NotFound || (operation.Method == "POST" && response.StatusCode == HttpStatusCode.BadRequest);
            if (!refused || Answers.Fault(response, answer) is not null)
            {
                tally.Fail($"{operation.Name} as the stranger on {path}: {(int)response.StatusCode}, not a 404 problem: {Answers.Shorten(answer)}");
            }
        }

        foreach (var list in document.Operations.Where(operation => operation.IsList && !operation.IsPublic))
        {
            foreach (var query in ListQueries(list, records))
            {
                using var response = await stranger.GetAsync($"{list.Template}{query}", cancellationToken);
                var answer = await response.Content.ReadAsStringAsync(cancellationToken);
                tally.Count(query.Length == 0 ? "list" : "list filtered by the owner's ids", list.Name, (int)response.StatusCode);
                // A refusal may repeat the id the stranger sent ("No pipeline with id ..."); an answer with data may hold none.
                if (response.IsSuccessStatusCode && records.Ids.FirstOrDefault(id => answer.Contains(id, StringComparison.OrdinalIgnoreCase)) is { } leaked)
                {
                    tally.Fail($"{list.Name}{query} as the stranger shows the owner's record {leaked}: {Answers.Shorten(answer)}");
                }
                else if (Answers.Fault(response, answer) is { } fault)
                {
                    tally.Fail($"{list.Name}{query} as the stranger {fault}");
                }
            }
        }

        var after = await OwnersRecordsAsync(owner, document, records, cancellationToken);
        foreach (var (path, state) in after)
        {
            tally.Count("the owner reads its record afterwards", path, int.Parse(state[..3], CultureInfo.InvariantCulture));
            if (before.GetValueOrDefault(path) != state)
            {
                tally.Fail($"The owner's {path} was {before.GetValueOrDefault(path)} before the stranger's requests and is {state} after.");
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"Operations with a record in the path that the owner has no record for: {string.Join(", ", uncovered)}");
        tally.Report();
    }

    /// <summary>The plain list, and the list filtered by each id parameter set to the owner's record.</summary>
    private static IEnumerable<string> ListQueries(Operation list, TenantRecords records)
    {
        yield return string.Empty;
        foreach (var parameter in list.QueryParameters)
        {
            if (records.IdNamed(parameter.Name) is { } id)
            {
                yield return $"?{parameter.Name}={id}";
            }
        }
    }

    /// <summary>Each of the owner's records as the owner reads it: its status and version, which the stranger may not change.</summary>
    private static async Task<SortedDictionary<string, string>> OwnersRecordsAsync(HttpClient owner, ApiDocument document, TenantRecords records, CancellationToken cancellationToken)
    {
        var states = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var read in document.Operations.Where(operation => operation.IsRead && operation.Template.EndsWith("/{id}", StringComparison.Ordinal)))
        {
            if (records.ValueFor(read, read.PathParameters.Single()) is not { } id)
            {
                continue;
            }

            var path = read.Fill(_ => id);
            using var response = await owner.GetAsync(path, cancellationToken);
            var version = response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))?["version"]?.ToString() : null;
            states[path] = $"{(int)response.StatusCode} version {version}";
        }

        return states;
    }
}
