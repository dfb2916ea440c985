using CrmCloud.TestInfrastructure;
using Xunit;

[assembly: AssemblyFixture(typeof(CrmCloud.Reliability.Tests.SweptSystem))]

namespace CrmCloud.Reliability.Tests;

/// <summary>
/// Every operation of the merged document driven with generated hostile input through the gateway, for a tenant that
/// has one record of everything (so ids in paths find real records): no 5xx, every 4xx a problem document, and no list
/// of the operation's service grows or shrinks when every request to it was refused.
/// </summary>
public sealed class HostileInputTests(SweptSystem system)
{
    /// <summary>Upstream areas first, so that the copies their writes cause elsewhere are made before those areas are swept.</summary>
    private static readonly string[] AreaOrder = ["contacts", "sales", "campaign", "support", "billing", "integrations"];

    [Fact]
    public async Task Every_operation_refuses_hostile_input_with_a_problem_and_changes_nothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = await system.ClientForAsync($"hostile-{Guid.NewGuid():N}");
        var document = await ApiDocument.ReadAsync(client, cancellationToken);
        var records = await TenantRecords.CreateAsync(client, document, cancellationToken);
        Assert.True(records.Refused.Count == 0, $"Records the sweep needs were refused:\n{string.Join("\n", records.Refused)}");
        var requests = new HostileRequests(document, records);
        var counts = new RecordCounts(client, document);
        var tally = new Tally("hostile-input");
        await counts.SettleAsync(cancellationToken);

        foreach (var area in document.Operations.GroupBy(operation => operation.Area).OrderBy(area => Array.IndexOf(AreaOrder, area.Key)))
        {
            // Reads first, then changes; deletes last, so that a delete carried out by mistake hides nothing from the rest.
            foreach (var operation in area.OrderBy(operation => operation.Method switch { "GET" => 0, "DELETE" => 2, _ => 1 }))
            {
                var before = operation.IsRead ? null : await counts.OfAreaAsync(area.Key, cancellationToken);
                var accepted = false;
                foreach (var inputClass in HostileRequests.ClassesFor(operation))
                {
                    for (var number = 0; number < SweepSettings.CasesPerClass; number++)
                    {
                        var request = requests.Build(operation, inputClass, SweepSettings.RandomFor(operation.Name, $"{inputClass}#{number}"));
                        var status = await SendAsync(client, operation, request, tally, cancellationToken);
                        accepted |= status is >= 200 and < 300;
                    }
                }

                if (before is not null && !accepted)
                {
                    var after = await counts.OfAreaAsync(area.Key, cancellationToken);
                    if (RecordCounts.Difference(before, after) is { Length: > 0 } difference)
                    {
                        tally.Fail($"{operation.Name}: every request was refused, yet the tenant's lists changed: {difference}");
                    }
                }

                if (accepted && !operation.IsRead)
                {
                    // What the accepted write set off (a converted lead's person copied to customers) lands before the next baseline.
                    await counts.SettleAsync(cancellationToken);
                }
            }
        }

        tally.Report();
    }

    private static async Task<int> SendAsync(HttpClient client, Operation operation, HostileRequest request, Tally tally, CancellationToken cancellationToken)
    {
        using var message = request.ToMessage();
        try
        {
            using var response = await client.SendAsync(message, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var status = (int)response.StatusCode;
            tally.Count(request.Class.ToString(), operation.Name, status);
            if (Answers.Fault(response, body) is { } fault)
            {
                tally.Fail($"{operation.Name} {fault}\n  request: {request}");
            }

            return status;
        }
        catch (HttpRequestException exception)
        {
            tally.Count(request.Class.ToString(), operation.Name, 0);
            tally.Fail($"{operation.Name}: the connection failed ({exception.Message})\n  request: {request}");
            return 0;
        }
    }
}
