using System.Net;
using CrmCloud.Contacts.Features.Imports;
using CrmCloud.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static CrmCloud.Contacts.Tests.ContactsApi;
using static CrmCloud.Contacts.Tests.ImportTests;

namespace CrmCloud.Contacts.Tests;

/// <summary>The contacts service with no import worker of its own and chunks of two rows: the tests play the workers.</summary>
public sealed class ContactsApiWithoutImportWorker(ServersFixture servers) : ServiceFactory<ContactsDb>(servers.Servers, "contactsdb")
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Imports:Worker", "false");
        builder.UseSetting("Imports:ChunkSize", "2");
    }
}

/// <summary>A job committed chunk by chunk: a worker that stops is followed by another that imports no row twice.</summary>
public sealed class ImportResumeTests(ContactsApiWithoutImportWorker api) : IClassFixture<ContactsApiWithoutImportWorker>
{
    private const string Csv = "lastName,email\r\nOne,one@example.com\r\nTwo,two@example.com\r\nThree,three@example.com\r\nFour,four@example.com\r\nFive,five@example.com\r\n";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private IServiceScopeFactory Scopes => api.Services.GetRequiredService<IServiceScopeFactory>();

    [Fact]
    public async Task A_job_whose_worker_stopped_after_a_chunk_resumes_after_it_without_duplicates()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var token = TestContext.Current.CancellationToken;
        var jobId = await QueueAsync(client);

        var first = Ids();
        Assert.Equal(jobId, await ImportRun.ClaimAsync(Scopes, first, Lease, token));
        await using (var run = await ImportRun.OpenAsync(api.Services, jobId, first, token))
        {
            Assert.True(await run.RunChunkAsync(token));
        }

        // The first worker is gone without a word; its lease runs out.
        Assert.Null(await ImportRun.ClaimAsync(Scopes, Ids(), Lease, token));
        await ExpireLeaseAsync(jobId);
        var second = Ids();
        Assert.Equal(jobId, await ImportRun.ClaimAsync(Scopes, second, Lease, token));
        await using (var run = await ImportRun.OpenAsync(api.Services, jobId, second, token))
        {
            while (await run.RunChunkAsync(token))
            {
            }
        }

        var job = await ReadJsonAsync(await client.GetAsync($"/api/v1/imports/{jobId}", token));
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(5, job.GetProperty("created").GetInt32());
        Assert.Equal(5, job.GetProperty("processedRows").GetInt32());
        Assert.Equal(5, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(DISTINCT email) FROM people WHERE tenant_id = $1", tenant));
        Assert.Equal(5, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
        Assert.Equal(5, await Database.CountAsync(
            api.DatabaseConnectionString, "SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND message_type = $2", tenant, "CrmCloud.Contracts.Contacts.ContactCreated"));
    }

    [Fact]
    public async Task A_worker_that_lost_its_lease_commits_nothing_more()
    {
        var tenant = NewTenant();
        var client = api.ClientFor(tenant);
        var token = TestContext.Current.CancellationToken;
        var jobId = await QueueAsync(client);
        var slow = Ids();
        Assert.Equal(jobId, await ImportRun.ClaimAsync(Scopes, slow, Lease, token));
        await using var stale = await ImportRun.OpenAsync(api.Services, jobId, slow, token);

        await ExpireLeaseAsync(jobId);
        var other = Ids();
        Assert.Equal(jobId, await ImportRun.ClaimAsync(Scopes, other, Lease, token));
        await using (var run = await ImportRun.OpenAsync(api.Services, jobId, other, token))
        {
            Assert.True(await run.RunChunkAsync(token));
        }

        await Assert.ThrowsAsync<ImportLeaseLostException>(() => stale.RunChunkAsync(token));
        Assert.Equal(2, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM people WHERE tenant_id = $1", tenant));
    }

    [Fact]
    public async Task Two_workers_never_claim_the_same_job()
    {
        var token = TestContext.Current.CancellationToken;
        var jobId = await QueueAsync(api.ClientFor(NewTenant()));

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ImportRun.ClaimAsync(Scopes, Ids(), Lease, token)));

        Assert.Single(claims, claim => claim == jobId);
    }

    [Fact]
    public async Task A_job_waits_queued_until_a_worker_claims_it()
    {
        var client = api.ClientFor(NewTenant());
        var jobId = await QueueAsync(client);

        var job = await ReadJsonAsync(await client.GetAsync($"/api/v1/imports/{jobId}", TestContext.Current.CancellationToken));

        Assert.Equal("queued", job.GetProperty("status").GetString());
        Assert.Equal(0, job.GetProperty("processedRows").GetInt32());
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM import_files WHERE job_id = $1", jobId));
    }

    private static Guid Ids() => Guid.CreateVersion7();

    /// <summary>
    /// Queues a job as the only claimable one: jobs left by earlier tests of this class (which run one after another on
    /// its database) are settled first, so a claim can only find this one.
    /// </summary>
    private async Task<Guid> QueueAsync(HttpClient client)
    {
        await Database.CountAsync(
            api.DatabaseConnectionString,
            "WITH settled AS (UPDATE import_jobs SET status = 'failed' WHERE status IN ('queued', 'running') RETURNING 1) SELECT count(*) FROM settled");
        var response = await PostImportAsync(client, Csv);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await ReadJsonAsync(response)).GetProperty("id").GetGuid();
    }

    private async Task ExpireLeaseAsync(Guid jobId) =>
        Assert.Equal(1, await Database.CountAsync(
            api.DatabaseConnectionString,
            "WITH expired AS (UPDATE import_jobs SET lease_expires_at = now() - interval '1 minute' WHERE id = $1 RETURNING 1) SELECT count(*) FROM expired",
            jobId));
}
