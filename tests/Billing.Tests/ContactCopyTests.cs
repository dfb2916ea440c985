using CrmCloud.Contracts.Contacts;
using CrmCloud.TestInfrastructure;
using Npgsql;
using Xunit;

namespace CrmCloud.Billing.Tests;

public sealed class ContactCopyTests(BillingApi api) : IClassFixture<BillingApi>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";
    private readonly Guid _person = Guid.CreateVersion7();

    [Fact]
    public async Task A_contact_event_creates_the_billing_account()
    {
        var messageId = Guid.NewGuid();
        await api.DeliverAsync(new ContactCreated(_tenant, _person, 1, BillingApi.Contact("Byron", "ada@example.com"), DateTimeOffset.UtcNow), messageId);
        await api.WaitUntilConsumedAsync(messageId, 1);

        var account = Assert.Single(await api.AccountsAsync(_tenant, _person));
        Assert.Equal("Ada Byron", account.GetProperty("billingName").GetString());
        Assert.Equal("ada@example.com", account.GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_redelivered_event_has_no_second_effect()
    {
        var messageId = Guid.NewGuid();
        var created = new ContactCreated(_tenant, _person, 1, BillingApi.Contact("Once"), DateTimeOffset.UtcNow);
        await api.DeliverAsync(created, messageId);
        // The redeliveries follow the handled delivery, as the broker's do: copies in flight at once would let either win.
        await Eventually.Until(async () => (await api.AccountsAsync(_tenant, _person)).Length == 1, TimeSpan.FromSeconds(30), "the account of the first delivery");
        await api.DeliverAsync(created, messageId);
        // Same message id, other content: only the inbox can tell that this one was handled already.
        await api.DeliverAsync(new ContactUpdated(_tenant, _person, 2, BillingApi.Contact("Twice"), DateTimeOffset.UtcNow), messageId);
        await api.WaitUntilConsumedAsync(messageId, 3);

        var account = Assert.Single(await api.AccountsAsync(_tenant, _person));
        Assert.Equal("Ada Once", account.GetProperty("billingName").GetString());
        Assert.Equal(1, account.GetProperty("version").GetInt64());
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = $1", messageId));
    }

    [Fact]
    public async Task An_older_event_arriving_late_does_not_undo_a_newer_one()
    {
        var updated = Guid.NewGuid();
        var created = Guid.NewGuid();
        await api.DeliverAsync(new ContactUpdated(_tenant, _person, 2, BillingApi.Contact("Newer"), DateTimeOffset.UtcNow), updated);
        await api.WaitUntilConsumedAsync(updated, 1);
        await api.DeliverAsync(new ContactCreated(_tenant, _person, 1, BillingApi.Contact("Older"), DateTimeOffset.UtcNow), created);
        await api.WaitUntilConsumedAsync(created, 1);

        var account = Assert.Single(await api.AccountsAsync(_tenant, _person));
        Assert.Equal("Ada Newer", account.GetProperty("billingName").GetString());
    }

    [Fact]
    public async Task A_deleted_contact_leaves_no_account_in_the_list_and_cannot_be_revived()
    {
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        await api.DeliverAsync(new ContactCreated(_tenant, _person, 1, BillingApi.Contact("Gone"), DateTimeOffset.UtcNow), ids[0]);
        await api.WaitUntilConsumedAsync(ids[0], 1);
        await api.DeliverAsync(new ContactDeleted(_tenant, _person, 3, DateTimeOffset.UtcNow), ids[1]);
        await api.WaitUntilConsumedAsync(ids[1], 1);
        await api.DeliverAsync(new ContactUpdated(_tenant, _person, 2, BillingApi.Contact("Revived"), DateTimeOffset.UtcNow), ids[2]);
        await api.WaitUntilConsumedAsync(ids[2], 1);

        Assert.Empty(await api.AccountsAsync(_tenant, _person));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM billing_accounts WHERE person_id = $1 AND billing_name <> ''", _person));
    }

    [Fact]
    public async Task An_erased_contact_leaves_no_account_and_no_personal_data()
    {
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        await api.DeliverAsync(new ContactCreated(_tenant, _person, 1, BillingApi.Contact("Erased", "erased@example.com"), DateTimeOffset.UtcNow), ids[0]);
        await api.WaitUntilConsumedAsync(ids[0], 1);
        Assert.Single(await api.AccountsAsync(_tenant, _person));

        await api.DeliverAsync(new ContactErased(_tenant, _person, 2, DateTimeOffset.UtcNow), ids[1]);
        await api.WaitUntilConsumedAsync(ids[1], 1);
        // An update published before the erasure but delivered after it cannot bring the data back.
        await api.DeliverAsync(new ContactUpdated(_tenant, _person, 1, BillingApi.Contact("Revived", "revived@example.com"), DateTimeOffset.UtcNow), ids[2]);
        await api.WaitUntilConsumedAsync(ids[2], 1);

        Assert.Empty(await api.AccountsAsync(_tenant, _person));
        Assert.Equal(
            0,
            await Database.CountAsync(
                api.DatabaseConnectionString,
                "SELECT count(*) FROM billing_accounts WHERE person_id = $1 AND (billing_name <> '' OR coalesce(email, '') <> '')",
                _person));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM billing_accounts WHERE person_id = $1 AND is_deleted", _person));
    }

    [Fact]
    public async Task A_redelivered_erasure_has_no_second_effect()
    {
        var created = Guid.NewGuid();
        var erased = Guid.NewGuid();
        await api.DeliverAsync(new ContactCreated(_tenant, _person, 1, BillingApi.Contact("Once"), DateTimeOffset.UtcNow), created);
        await api.WaitUntilConsumedAsync(created, 1);

        await api.DeliverAsync(new ContactErased(_tenant, _person, 2, DateTimeOffset.UtcNow), erased);
        await api.WaitUntilConsumedAsync(erased, 1);
        // Same message id with a later version: only the inbox can tell that this erasure was handled already.
        await api.DeliverAsync(new ContactErased(_tenant, _person, 3, DateTimeOffset.UtcNow), erased);
        await api.WaitUntilConsumedAsync(erased, 2);

        Assert.Empty(await api.AccountsAsync(_tenant, _person));
        Assert.Equal(
            1,
            await Database.CountAsync(
                api.DatabaseConnectionString, "SELECT count(*) FROM billing_accounts WHERE person_id = $1 AND contact_version = 2 AND version = 2", _person));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = $1 AND consumer = 'ContactChangedConsumer'", erased));
    }

    [Fact]
    public async Task A_merge_updates_the_survivors_account_and_removes_the_merged_one_once()
    {
        var merged = Guid.CreateVersion7();
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        await api.DeliverAsync(new ContactCreated(_tenant, _person, 1, BillingApi.Contact("Survivor"), DateTimeOffset.UtcNow), ids[0]);
        await api.DeliverAsync(new ContactCreated(_tenant, merged, 1, BillingApi.Contact("Duplicate"), DateTimeOffset.UtcNow), ids[1]);
        await api.WaitUntilConsumedAsync(ids[0], 1);
        await api.WaitUntilConsumedAsync(ids[1], 1);

        var merge = new ContactsMerged(_tenant, _person, 2, BillingApi.Contact("Merged", "ada@example.com"), [new MergedContact(merged, 2)], DateTimeOffset.UtcNow);
        await api.DeliverAsync(merge, ids[2]);
        await api.DeliverAsync(merge, ids[2]);
        await api.WaitUntilConsumedAsync(ids[2], 2);

        var account = Assert.Single(await api.AccountsAsync(_tenant, _person));
        Assert.Equal("Ada Merged", account.GetProperty("billingName").GetString());
        Assert.Equal(2, account.GetProperty("version").GetInt64());
        Assert.Empty(await api.AccountsAsync(_tenant, merged));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM billing_accounts WHERE person_id = $1 AND is_deleted AND billing_name = '' AND version = 2", merged));
        Assert.Equal(1, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = $1 AND consumer = 'ContactChangedConsumer'", ids[2]));
    }

    [Fact]
    public async Task Another_tenant_cannot_see_the_account()
    {
        var messageId = Guid.NewGuid();
        await api.DeliverAsync(new ContactCreated(_tenant, _person, 1, BillingApi.Contact("Mine"), DateTimeOffset.UtcNow), messageId);
        await api.WaitUntilConsumedAsync(messageId, 1);

        Assert.Single(await api.AccountsAsync(_tenant, _person));
        Assert.Empty(await api.AccountsAsync($"tenant-{Guid.NewGuid():N}", _person));
    }

    [Fact]
    public async Task Events_that_arrive_while_a_batch_commits_go_together_in_the_next_each_once()
    {
        var otherTenant = $"tenant-{Guid.NewGuid():N}";
        var events = Enumerable.Range(0, 40)
            .Select(i => (Id: Guid.NewGuid(), Event: new ContactCreated(i % 2 == 0 ? _tenant : otherTenant, Guid.CreateVersion7(), 1, BillingApi.Contact($"Batch{i}"), DateTimeOffset.UtcNow)))
            .ToList();
        await using (await WriterHold.StartAsync(api, _tenant))
        {
            foreach (var (id, created) in events)
            {
                await api.DeliverAsync(created, id);
            }

            // Two redeliveries among them, with other content: the inbox must drop them though they share the batch.
            await api.DeliverAsync(events[0].Event with { Contact = BillingApi.Contact("Again") }, events[0].Id);
            await api.DeliverAsync(events[1].Event with { Contact = BillingApi.Contact("Again") }, events[1].Id);
            await Eventually.Until(
                () => Task.FromResult(events.All(e => api.Consumed.Started(e.Id) >= (e.Id == events[0].Id || e.Id == events[1].Id ? 2 : 1))),
                TimeSpan.FromSeconds(30),
                "every delivery to reach the consumer");
        }

        foreach (var (id, _) in events)
        {
            await api.WaitUntilConsumedAsync(id, 1);
        }

        await api.WaitUntilConsumedAsync(events[0].Id, 2);
        await api.WaitUntilConsumedAsync(events[1].Id, 2);
        var people = events.Select(e => e.Event.PersonId).ToArray();
        Assert.Equal(40, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM billing_accounts WHERE person_id = ANY($1) AND version = 1", people));
        Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM billing_accounts WHERE person_id = ANY($1) AND billing_name = 'Ada Again'", people));
        Assert.Equal(40, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = ANY($1)", events.Select(e => e.Id).ToArray()));
        // Each tenant's events commit in one transaction, or two when some reached the writer together with the held one.
        Assert.InRange(await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(DISTINCT xmin::text) FROM billing_accounts WHERE person_id = ANY($1)", people), 2, 4);
        Assert.Equal(20, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM billing_accounts WHERE person_id = ANY($1) AND tenant_id = $2", people, otherTenant));
        Assert.Single(await api.AccountsAsync(otherTenant, events[1].Event.PersonId));
        Assert.Empty(await api.AccountsAsync(_tenant, events[1].Event.PersonId));
    }

    [Fact]
    public async Task A_message_that_fails_in_a_batch_fails_alone_and_the_others_commit()
    {
        var constraint = $"poison_{_tenant.Replace('-', '_')}";
        await Execute($"ALTER TABLE billing_accounts ADD CONSTRAINT {constraint} CHECK (tenant_id <> '{_tenant}' OR billing_name <> 'Ada Poison') NOT VALID");
        try
        {
            var poison = (Id: Guid.NewGuid(), Event: new ContactCreated(_tenant, Guid.CreateVersion7(), 1, BillingApi.Contact("Poison"), DateTimeOffset.UtcNow));
            var good = Enumerable.Range(0, 10)
                .Select(i => (Id: Guid.NewGuid(), Event: new ContactCreated(_tenant, Guid.CreateVersion7(), 1, BillingApi.Contact($"Good{i}"), DateTimeOffset.UtcNow)))
                .ToList();
            var all = good.Take(5).Append(poison).Concat(good.Skip(5)).ToList();
            await using (await WriterHold.StartAsync(api, _tenant))
            {
                foreach (var (id, created) in all)
                {
                    await api.DeliverAsync(created, id);
                }

                await Eventually.Until(() => Task.FromResult(all.All(e => api.Consumed.Started(e.Id) >= 1)), TimeSpan.FromSeconds(30), "every delivery to reach the consumer");
            }

            foreach (var (id, _) in good)
            {
                await api.WaitUntilConsumedAsync(id, 1);
            }

            // Its retries spent, the poison message alone is on its way to the error queue.
            await Eventually.Until(() => Task.FromResult(api.Consumed.Faulted(poison.Id) == 1), TimeSpan.FromSeconds(60), "the poison message to fault");
            Assert.All(good, e => Assert.Equal(0, api.Consumed.Faulted(e.Id)));
            Assert.Equal(10, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM billing_accounts WHERE person_id = ANY($1)", good.Select(e => e.Event.PersonId).ToArray()));
            Assert.Empty(await api.AccountsAsync(_tenant, poison.Event.PersonId));
            Assert.Equal(0, await Database.CountAsync(api.DatabaseConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = $1", poison.Id));
        }
        finally
        {
            await Execute($"ALTER TABLE billing_accounts DROP CONSTRAINT IF EXISTS {constraint}");
        }
    }

    private async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Keeps the copy writer waiting: a transaction here takes the inbox key of a message and delivers it, so the writer's
    /// batch blocks on the key and whatever arrives meanwhile queues for the next batch. Disposing rolls the key back.
    /// </summary>
    private sealed class WriterHold : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlTransaction _transaction;

        private WriterHold(NpgsqlConnection connection, NpgsqlTransaction transaction)
        {
            _connection = connection;
            _transaction = transaction;
        }

        public static async Task<WriterHold> StartAsync(BillingApi api, string tenant)
        {
            var connection = new NpgsqlConnection(api.DatabaseConnectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            var held = Guid.NewGuid();
            await using (var claim = new NpgsqlCommand(
                "INSERT INTO inbox_messages (message_id, consumer, message_type, tenant_id, handled_at) VALUES ($1, 'ContactChangedConsumer', 'ContactCreated', $2, now())",
                connection,
                transaction))
            {
                claim.Parameters.Add(new NpgsqlParameter { Value = held });
                claim.Parameters.Add(new NpgsqlParameter { Value = tenant });
                await claim.ExecuteNonQueryAsync();
            }

            await api.DeliverAsync(new ContactCreated(tenant, Guid.CreateVersion7(), 1, BillingApi.Contact("Held"), DateTimeOffset.UtcNow), held);
            await Eventually.Until(() => Task.FromResult(api.Consumed.Started(held) == 1), TimeSpan.FromSeconds(30), "the held message to reach the writer");
            return new WriterHold(connection, transaction);
        }

        public async ValueTask DisposeAsync()
        {
            await _transaction.RollbackAsync();
            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}
