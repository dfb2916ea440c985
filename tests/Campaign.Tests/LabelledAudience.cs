using System.Text.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Contracts.Sales;
using CrmCloud.Contracts.Support;

namespace CrmCloud.Campaign.Tests;

/// <summary>
/// Four people whose attributes and behaviour are known, so every segment condition has a known answer:
/// <list type="bullet">
/// <item>Ada: customer, tags vip, DE, born 1990-06-01, tier 3 and plan gold, ordered 150 EUR in January, email consent.</item>
/// <item>Ben: lead, tags newsletter, FR, born 2000-01-01, tier 1, never ordered, one open ticket, email consent withdrawn.</item>
/// <item>Cleo: customer, tags vip and newsletter, DE, born 1960-01-01, no email, ordered 50 EUR in June (and cancelled 500 EUR), email consent.</item>
/// <item>Dan: customer, no tags, US, no birth date, never ordered, a solved ticket, no consent recorded.</item>
/// </list>
/// </summary>
public sealed record LabelledAudience(string Tenant, Guid Ada, Guid Ben, Guid Cleo, Guid Dan)
{
    public static async Task<LabelledAudience> SeedAsync(CampaignApi api)
    {
        var audience = new LabelledAudience($"tenant-{Guid.NewGuid():N}", Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var t = audience.Tenant;
        var at = new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero);
        await api.DeliverAsync(
            new ContactCreated(t, audience.Ada, 1, Person("Ada", "ada@example.com", "customer", ["VIP"], "DE", new DateOnly(1990, 6, 1), """{"tier":3,"plan":"gold"}"""), at),
            new ContactCreated(t, audience.Ben, 1, Person("Ben", "ben@example.com", "lead", ["newsletter"], "FR", new DateOnly(2000, 1, 1), """{"tier":1}"""), at),
            new ContactCreated(t, audience.Cleo, 1, Person("Cleo", null, "customer", ["vip", "newsletter"], "DE", new DateOnly(1960, 1, 1), null), at),
            new ContactCreated(t, audience.Dan, 1, Person("Dan", "dan@example.com", "customer", [], "US", null, null), at),
            new ConsentChanged(t, audience.Ada, "email", "opted-in", "web-form", "consent", at, at),
            new ConsentChanged(t, audience.Ben, "email", "opted-out", "manual", null, at, at),
            new ConsentChanged(t, audience.Cleo, "email", "opted-in", "web-form", "consent", at, at),
            new OrderPlaced(t, Guid.CreateVersion7(), "SO-1", audience.Ada, null, [], 150m, 0m, 28.5m, 178.5m, "EUR", at),
            new OrderPlaced(t, Guid.CreateVersion7(), "SO-2", audience.Cleo, null, [], 50m, 0m, 9.5m, 59.5m, "EUR", at.AddMonths(5)),
            new TicketOpened(t, Guid.CreateVersion7(), "T-1", audience.Ben, null, "Help", "normal", "email", at));
        var cancelled = Guid.CreateVersion7();
        var solved = Guid.CreateVersion7();
        await api.DeliverAsync(
            new OrderPlaced(t, cancelled, "SO-4", audience.Cleo, null, [], 500m, 0m, 95m, 595m, "EUR", at.AddMonths(5)),
            new OrderCancelled(t, cancelled, "SO-4", audience.Cleo, null, 500m, 595m, "EUR", "changed mind", at.AddMonths(5)),
            new TicketOpened(t, solved, "T-2", audience.Dan, null, "Question", "low", "web", at),
            new TicketSolved(t, solved, "T-2", audience.Dan, null, "Question", "low", "web", at));
        return audience;
    }

    public string NameOf(Guid personId) =>
        personId == Ada ? "Ada" : personId == Ben ? "Ben" : personId == Cleo ? "Cleo" : personId == Dan ? "Dan" : personId.ToString();

    private static ContactSnapshot Person(string name, string? email, string stage, string[] tags, string country, DateOnly? born, string? customFields) =>
        new(name, "Tester", email, null, null)
        {
            LifecycleStage = stage,
            Tags = tags,
            Address = new AddressSnapshot(null, null, null, null, country),
            BirthDate = born,
            CustomFields = customFields is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(customFields),
        };
}
