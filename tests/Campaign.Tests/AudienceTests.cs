using CrmCloud.Contracts.Contacts;
using CrmCloud.Contracts.Sales;
using CrmCloud.Contracts.Support;
using CrmCloud.TestInfrastructure;
using Xunit;

namespace CrmCloud.Campaign.Tests;

public sealed class AudienceTests(CampaignApi api) : IClassFixture<CampaignApi>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";
    private readonly Guid _person = Guid.CreateVersion7();

    [Fact]
    public async Task The_newest_consent_wins_whatever_the_order_and_a_redelivery_changes_nothing()
    {
        var at = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
        await api.DeliverAsync(
            new ConsentChanged(_tenant, _person, "email", "opted-out", "manual", null, at.AddDays(2), at),
            new ConsentChanged(_tenant, _person, "email", "opted-in", "web-form", "consent", at, at));
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM audience_consents WHERE tenant_id = $1 AND person_id = $2 AND NOT opted_in", _tenant, _person));

        // Redelivered with newer content under the same id: only the inbox can tell it was handled already. The
        // redelivery follows the handled delivery, as the broker's does; two copies in flight at once would let either win.
        var messageId = Guid.NewGuid();
        await api.DeliverWithIdAsync(new ConsentChanged(_tenant, _person, "sms", "opted-in", "web-form", "consent", at, at), messageId);
        await api.WaitUntilConsumedAsync(messageId, 1);
        await api.DeliverWithIdAsync(new ConsentChanged(_tenant, _person, "sms", "opted-out", "manual", null, at.AddDays(5), at), messageId);
        await api.WaitUntilConsumedAsync(messageId, 2);
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM audience_consents WHERE tenant_id = $1 AND person_id = $2 AND channel = 'sms' AND opted_in", _tenant, _person));

        await api.DeliverAsync(new ContactErased(_tenant, _person, 3, at));
        // Two consumers take the erasure; the counter may have seen the other one finish first.
        await Eventually.Until(
            async () => await api.CountAsync("SELECT count(*) FROM audience_consents WHERE tenant_id = $1 AND person_id = $2", _tenant, _person) == 0,
            TimeSpan.FromSeconds(10),
            "the erased person's consents to go");
    }

    [Fact]
    public async Task Orders_and_tickets_are_kept_once_in_any_order_and_follow_a_merge()
    {
        var order = Guid.CreateVersion7();
        var ticket = Guid.CreateVersion7();
        var at = DateTimeOffset.UtcNow;
        // The cancellation overtakes the placement; the ticket is solved before it is seen opened.
        await api.DeliverAsync(
            new OrderCancelled(_tenant, order, "SO-1", _person, null, 80m, 95.2m, "EUR", null, at),
            new TicketSolved(_tenant, ticket, "T-1", _person, null, "Broken", "normal", "email", at));
        var placed = new OrderPlaced(_tenant, order, "SO-1", _person, null, [], 80m, 0m, 15.2m, 95.2m, "EUR", at);
        var messageId = Guid.NewGuid();
        await api.DeliverWithIdAsync(placed, messageId);
        await api.DeliverWithIdAsync(placed, messageId);
        await api.DeliverAsync(new TicketOpened(_tenant, ticket, "T-1", _person, null, "Broken", "normal", "email", at.AddHours(-1)));
        await api.WaitUntilConsumedAsync(messageId, 2);

        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM audience_orders WHERE tenant_id = $1 AND person_id = $2 AND cancelled AND placed_at IS NOT NULL AND net_total = 80", _tenant, _person));
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM audience_tickets WHERE tenant_id = $1 AND person_id = $2 AND solved", _tenant, _person));
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM inbox_messages WHERE message_id = $1", messageId));

        var survivor = Guid.CreateVersion7();
        await api.DeliverAsync(new ContactsMerged(_tenant, survivor, 2, CampaignApi.Contact("Survivor"), [new MergedContact(_person, 2)], at));
        await Eventually.Until(
            async () => await api.CountAsync("SELECT count(*) FROM person_merges WHERE tenant_id = $1 AND survivor_id = $2", _tenant, survivor) == 1,
            TimeSpan.FromSeconds(10),
            "the merge to be recorded");
        var later = Guid.CreateVersion7();
        await api.DeliverAsync(new OrderPlaced(_tenant, later, "SO-2", _person, null, [], 10m, 0m, 0m, 10m, "EUR", at));
        Assert.Equal(2, await api.CountAsync("SELECT count(*) FROM audience_orders WHERE tenant_id = $1 AND person_id = $2", _tenant, survivor));
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM audience_tickets WHERE tenant_id = $1 AND person_id = $2", _tenant, survivor));
    }
}
