using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace CrmCloud.Bench.Seed;

internal sealed record MemberRow(Guid Id, Guid PersonId, SeedPerson Person, string Stage, string Country, string[] Tags, DateOnly? BirthDate, string CustomFields, DateTimeOffset CreatedAt);

internal sealed record ConsentRow(Guid PersonId, string Channel, bool OptedIn, DateTimeOffset ChangedAt);

internal sealed record OrderRow(Guid OrderId, Guid PersonId, decimal NetTotal, DateTimeOffset PlacedAt, bool Cancelled);

internal sealed record TicketRow(Guid TicketId, Guid PersonId, DateTimeOffset OpenedAt, bool Solved);

/// <summary>
/// Bulk-inserts a tenant's audience straight into the campaign database with binary COPY: the copies of contacts
/// (stage, country, tags, birth date, custom fields), their consents, and orders and tickets as behaviour facts, in
/// proportions that give segment conditions from very selective to very broad. Deterministic by the seed.
/// </summary>
internal static class AudienceCopy
{
    private static readonly (string Value, double Share)[] Stages = [("customer", 0.45), ("lead", 0.35), ("subscriber", 0.15), ("opportunity", 0.05)];
    private static readonly (string Value, double Share)[] Countries = [("DE", 0.3), ("FR", 0.2), ("US", 0.2), ("GB", 0.15), ("IT", 0.1), ("ES", 0.05)];
    private static readonly (string Value, double Share)[] TagShares = [("newsletter", 0.4), ("b2b", 0.2), ("event-2025", 0.1), ("vip", 0.05)];
    private static readonly string[] Plans = ["free", "pro", "gold"];
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly CopyColumn<(string Tenant, MemberRow Row)>[] MemberColumns =
    [
        new("id", NpgsqlDbType.Uuid, m => m.Row.Id),
        new("tenant_id", NpgsqlDbType.Varchar, m => m.Tenant),
        new("person_id", NpgsqlDbType.Uuid, m => m.Row.PersonId),
        new("contact_version", NpgsqlDbType.Bigint, _ => 1L),
        new("is_deleted", NpgsqlDbType.Boolean, _ => false),
        new("first_name", NpgsqlDbType.Varchar, m => m.Row.Person.FirstName),
        new("last_name", NpgsqlDbType.Varchar, m => m.Row.Person.LastName),
        new("email", NpgsqlDbType.Varchar, m => m.Row.Person.Email),
        new("phone", NpgsqlDbType.Varchar, m => m.Row.Person.Phone),
        new("birth_date", NpgsqlDbType.Date, m => m.Row.BirthDate),
        new("country", NpgsqlDbType.Varchar, m => m.Row.Country),
        new("custom_fields", NpgsqlDbType.Jsonb, m => m.Row.CustomFields),
        new("lifecycle_stage", NpgsqlDbType.Varchar, m => m.Row.Stage),
        new("tags", NpgsqlDbType.Array | NpgsqlDbType.Text, m => m.Row.Tags),
        new("created_at", NpgsqlDbType.TimestampTz, m => m.Row.CreatedAt),
        new("updated_at", NpgsqlDbType.TimestampTz, m => m.Row.CreatedAt),
        new("version", NpgsqlDbType.Bigint, _ => 1L),
    ];

    private static readonly CopyColumn<(string Tenant, ConsentRow Row)>[] ConsentColumns =
    [
        new("tenant_id", NpgsqlDbType.Varchar, c => c.Tenant),
        new("person_id", NpgsqlDbType.Uuid, c => c.Row.PersonId),
        new("channel", NpgsqlDbType.Varchar, c => c.Row.Channel),
        new("opted_in", NpgsqlDbType.Boolean, c => c.Row.OptedIn),
        new("changed_at", NpgsqlDbType.TimestampTz, c => c.Row.ChangedAt),
    ];

    private static readonly CopyColumn<(string Tenant, OrderRow Row)>[] OrderColumns =
    [
        new("tenant_id", NpgsqlDbType.Varchar, o => o.Tenant),
        new("order_id", NpgsqlDbType.Uuid, o => o.Row.OrderId),
        new("person_id", NpgsqlDbType.Uuid, o => o.Row.PersonId),
        new("net_total", NpgsqlDbType.Numeric, o => o.Row.NetTotal),
        new("currency", NpgsqlDbType.Varchar, _ => "EUR"),
        new("placed_at", NpgsqlDbType.TimestampTz, o => o.Row.PlacedAt),
        new("cancelled", NpgsqlDbType.Boolean, o => o.Row.Cancelled),
    ];

    private static readonly CopyColumn<(string Tenant, TicketRow Row)>[] TicketColumns =
    [
        new("tenant_id", NpgsqlDbType.Varchar, t => t.Tenant),
        new("ticket_id", NpgsqlDbType.Uuid, t => t.Row.TicketId),
        new("person_id", NpgsqlDbType.Uuid, t => t.Row.PersonId),
        new("opened_at", NpgsqlDbType.TimestampTz, t => t.Row.OpenedAt),
        new("solved", NpgsqlDbType.Boolean, t => t.Row.Solved),
    ];

    public sealed record Counts(int Members, int Consents, int Orders, int Tickets);

    public static async Task<Counts> RunAsync(string connectionString, string tenant, int count, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var members = new List<MemberRow>(count);
        var consents = new List<ConsentRow>();
        var orders = new List<OrderRow>();
        var tickets = new List<TicketRow>();
        var step = TimeSpan.FromDays(365).Ticks / Math.Max(1, count);
        for (var index = 0; index < count; index++)
        {
            var created = Start.AddTicks(step * index);
            var member = new MemberRow(
                PeopleCopy.Id(random, created),
                PeopleCopy.Id(random, created),
                SeedData.Person(random, index),
                Draw(random, Stages),
                Draw(random, Countries),
                [.. TagShares.Where(tag => random.NextDouble() < tag.Share).Select(tag => tag.Value)],
                random.NextDouble() < 0.85 ? new DateOnly(1945, 1, 1).AddDays(random.Next(62 * 365)) : null,
                string.Create(CultureInfo.InvariantCulture, $$"""{"tier":{{1 + random.Next(5)}},"plan":"{{random.Pick(Plans)}}"}"""),
                created);
            members.Add(member);
            if (random.NextDouble() < 0.8)
            {
                consents.Add(new ConsentRow(member.PersonId, "email", random.NextDouble() < 0.9, created));
            }

            if (random.NextDouble() < 0.3)
            {
                consents.Add(new ConsentRow(member.PersonId, "sms", true, created));
            }

            if (member.Stage == "customer" && random.NextDouble() < 0.6)
            {
                for (var order = 1 + random.Next(4); order > 0; order--)
                {
                    var placed = created.AddDays(random.Next(365));
                    orders.Add(new OrderRow(PeopleCopy.Id(random, placed), member.PersonId, Math.Round(10m + (decimal)random.NextDouble() * 490m, 2), placed, random.NextDouble() < 0.05));
                }
            }

            if (random.NextDouble() < 0.1)
            {
                var opened = created.AddDays(random.Next(365));
                tickets.Add(new TicketRow(PeopleCopy.Id(random, opened), member.PersonId, opened, random.NextDouble() < 0.5));
            }
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await PeopleCopy.CopyAsync(connection, "audience_members", MemberColumns, members.Select(m => (tenant, m)), cancellationToken);
        await PeopleCopy.CopyAsync(connection, "audience_consents", ConsentColumns, consents.Select(c => (tenant, c)), cancellationToken);
        await PeopleCopy.CopyAsync(connection, "audience_orders", OrderColumns, orders.Select(o => (tenant, o)), cancellationToken);
        await PeopleCopy.CopyAsync(connection, "audience_tickets", TicketColumns, tickets.Select(t => (tenant, t)), cancellationToken);
        await using var analyze = new NpgsqlCommand("ANALYZE audience_members; ANALYZE audience_consents; ANALYZE audience_orders; ANALYZE audience_tickets;", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
        return new Counts(members.Count, consents.Count, orders.Count, tickets.Count);
    }

    private static string Draw(Random random, (string Value, double Share)[] shares)
    {
        var roll = random.NextDouble();
        foreach (var (value, share) in shares)
        {
            if ((roll -= share) < 0)
            {
                return value;
            }
        }

        return shares[^1].Value;
    }
}
