using CrmCloud.Contracts.Contacts;
using CrmCloud.TestInfrastructure;
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
}
