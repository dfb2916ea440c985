using System.Net;
using System.Text;
using CrmCloud.ServiceDefaults.Security;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Reliability.Tests;

/// <summary>
/// Every operation of the document that is not public (<c>security: []</c>) refuses a caller without credentials (401)
/// and one whose token lacks what the gateway's route table asks for it: the area's scope, or the administrator role (403).
/// </summary>
public sealed class ScopeTests(SweptSystem system)
{
    [Fact]
    public async Task Every_operation_refuses_a_token_without_its_scope_with_a_403_problem()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var tenant = $"scopes-{Guid.NewGuid():N}";
        using var reader = await system.ClientForAsync(tenant);
        var document = await ApiDocument.ReadAsync(reader, cancellationToken);
        var tally = new Tally("scopes");
        var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        try
        {
            foreach (var operation in document.Operations.Where(operation => !operation.IsPublic))
            {
                if (!clients.TryGetValue(operation.Requirement, out var client))
                {
                    // Everything but what the operation needs: every other scope, or every scope without the administrator role.
                    client = operation.NeedsAdministrator
                        ? await system.ClientForAsync(tenant, Scopes.All, roles: [])
                        : await system.ClientForAsync(tenant, Scopes.All.Where(scope => scope != operation.Requirement));
                    clients[operation.Requirement] = client;
                }

                await ExpectAsync(client, operation, HttpStatusCode.Forbidden, $"a token without {operation.Requirement}", tally, cancellationToken);
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }

        tally.Report();
    }

    [Fact]
    public async Task Every_operation_refuses_a_caller_without_credentials_with_a_401_problem()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var anonymous = new HttpClient { BaseAddress = system.Gateway };
        var document = await ApiDocument.ReadAsync(anonymous, cancellationToken);
        var tally = new Tally("no-credentials");

        foreach (var operation in document.Operations.Where(operation => !operation.IsPublic))
        {
            await ExpectAsync(anonymous, operation, HttpStatusCode.Unauthorized, "no credentials", tally, cancellationToken);
        }

        tally.Report();
    }

    private static async Task ExpectAsync(HttpClient client, Operation operation, HttpStatusCode expected, string row, Tally tally, CancellationToken cancellationToken)
    {
        // The gateway answers before the service is asked: the ids need not exist and the body need not be valid.
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), operation.Fill(_ => Guid.CreateVersion7().ToString()));
        if (operation.HasJsonBody)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        tally.Count(row, operation.Name, (int)response.StatusCode);
        if (response.StatusCode != expected)
        {
            tally.Fail($"{operation.Name} with {row}: {(int)response.StatusCode}, not {(int)expected}: {Answers.Shorten(answer)}");
        }
        else if (Answers.Fault(response, answer) is { } fault)
        {
            tally.Fail($"{operation.Name} with {row} {fault}");
        }
    }
}
