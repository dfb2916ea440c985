using Npgsql;

namespace CrmCloud.Faults;

/// <summary>The outcome of one look at every database: effects found exactly once, missing, doubled, or without a cause.</summary>
internal sealed record Verdict(int Verified, int Lost, int Duplicated, int Partial, long Backlog, IReadOnlyList<string> Problems)
{
    /// <summary>Nothing missing, doubled or half-written, and no event still waiting in an outbox.</summary>
    public bool Settled => Lost == 0 && Duplicated == 0 && Partial == 0 && Backlog == 0;
}

/// <summary>
/// Reads what every service really stored for the tenant, around the services' APIs (straight from their databases), and
/// holds it against the writes the load got answers for and against each other: every record in its owner once, and
/// every event's effect once in each consumer. Whole sets of ids are compared, which says more than counts and
/// checksums would: which id is missing or doubled where.
/// </summary>
internal sealed class Consistency(IReadOnlyDictionary<string, string> databases, string tenant)
{
    private const int ProblemsShown = 12;

    public async Task<Verdict> CheckAsync(IReadOnlyCollection<Write> writes)
    {
        var people = await RowsAsync("contacts", "SELECT id, version, last_name FROM people WHERE tenant_id = @tenant");
        var facts = await RowsAsync("contacts", "SELECT source_id, kind || '/' || event FROM customer_facts WHERE tenant_id = @tenant");
        var orders = await RowsAsync("sales", "SELECT id FROM orders WHERE tenant_id = @tenant");
        var tickets = await RowsAsync("support", "SELECT id FROM tickets WHERE tenant_id = @tenant");
        var invoices = await RowsAsync("billing", "SELECT id, order_id FROM invoices WHERE tenant_id = @tenant AND order_id IS NOT NULL");
        var payments = await RowsAsync("billing", "SELECT id FROM payments WHERE tenant_id = @tenant");
        var copies = new Dictionary<string, List<object?[]>>
        {
            ["sales customers"] = await RowsAsync("sales", "SELECT person_id, contact_version FROM customers WHERE tenant_id = @tenant"),
            ["support requesters"] = await RowsAsync("support", "SELECT person_id, contact_version FROM requesters WHERE tenant_id = @tenant"),
            ["billing accounts"] = await RowsAsync("billing", "SELECT person_id, contact_version FROM billing_accounts WHERE tenant_id = @tenant"),
            ["campaign audience"] = await RowsAsync("campaign", "SELECT person_id, contact_version FROM audience_members WHERE tenant_id = @tenant"),
        };
        var audienceOrders = await RowsAsync("campaign", "SELECT order_id FROM audience_orders WHERE tenant_id = @tenant");
        var audienceTickets = await RowsAsync("campaign", "SELECT ticket_id FROM audience_tickets WHERE tenant_id = @tenant");
        long backlog = 0;
        foreach (var database in databases.Keys)
        {
            backlog += (long)(await RowsAsync(database, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL"))[0][0]!;
        }

        var tally = new Tally();
        var personVersions = people.ToDictionary(row => (Guid)row[0]!, row => (long)row[1]!);
        var personNames = people.ToDictionary(row => (Guid)row[0]!, row => (string)row[2]!);
        var orderIds = orders.Select(row => (Guid)row[0]!).ToHashSet();
        var ticketIds = tickets.Select(row => (Guid)row[0]!).ToHashSet();
        var paymentIds = payments.Select(row => (Guid)row[0]!).ToHashSet();
        var invoiceIds = invoices.Where(row => orderIds.Contains((Guid)row[1]!)).Select(row => (Guid)row[0]!).ToHashSet();

        CheckWrites(writes, tally, personVersions.Keys.ToHashSet(), personNames, orderIds, ticketIds, paymentIds);

        // Each person's copy, once, at contacts' version of the person: a lost rename shows as a copy left behind.
        foreach (var (consumer, rows) in copies)
        {
            var found = rows.GroupBy(row => (Guid)row[0]!).ToDictionary(group => group.Key, group => group.Select(row => (long)row[1]!).ToList());
            foreach (var (person, version) in personVersions)
            {
                if (!found.TryGetValue(person, out var versions))
                {
                    tally.Lost($"person {person} has no copy in {consumer}");
                }
                else if (versions.Count > 1)
                {
                    tally.Duplicated($"person {person} has {versions.Count} copies in {consumer}");
                }
                else if (versions[0] != version)
                {
                    tally.Lost($"person {person} is at version {version} in contacts but {versions[0]} in {consumer}");
                }
                else
                {
                    tally.Verified();
                }
            }

            foreach (var stray in found.Keys.Where(person => !personVersions.ContainsKey(person)))
            {
                tally.Partial($"{consumer} has a copy of person {stray}, whom contacts does not have");
            }
        }

        var factCounts = facts.GroupBy(row => ((Guid)row[0]!, (string)row[1]!)).ToDictionary(group => group.Key, group => group.Count());
        ExpectOnce("billing invoices for orders", orderIds, invoices.Select(row => (Guid)row[1]!), tally);
        ExpectOnce("contacts order facts", orderIds, FactsOf(factCounts, "order/placed"), tally);
        ExpectOnce("campaign audience orders", orderIds, audienceOrders.Select(row => (Guid)row[0]!), tally);
        ExpectOnce("contacts invoice facts", invoiceIds, FactsOf(factCounts, "invoice/issued"), tally);
        ExpectOnce("contacts ticket facts", ticketIds, FactsOf(factCounts, "ticket/opened"), tally);
        ExpectOnce("campaign audience tickets", ticketIds, audienceTickets.Select(row => (Guid)row[0]!), tally);
        ExpectOnce("contacts payment facts", paymentIds, FactsOf(factCounts, "payment/received"), tally);
        return tally.Verdict(backlog);
    }

    /// <summary>
    /// Each write against its owner: an accepted one is there; a refused one is not; one without an answer is there or
    /// not (its effects are then held to the same rule as everyone's). An accepted rename is the name now, unless a later
    /// rename without an answer went through.
    /// </summary>
    private static void CheckWrites(
        IReadOnlyCollection<Write> writes, Tally tally, HashSet<Guid> people, Dictionary<Guid, string> names,
        HashSet<Guid> orders, HashSet<Guid> tickets, HashSet<Guid> payments)
    {
        foreach (var write in writes.Where(write => write.Kind != WriteKind.PersonRenamed))
        {
            var owner = write.Kind switch
            {
                WriteKind.PersonCreated => people,
                WriteKind.OrderPlaced => orders,
                WriteKind.TicketOpened => tickets,
                _ => payments,
            };
            var stored = owner.Contains(write.Id);
            switch (write.Outcome)
            {
                case Outcome.Accepted when stored:
                    tally.Verified();
                    break;
                case Outcome.Accepted:
                    tally.Lost($"{write.Kind} {write.Id} was accepted ({write.Status}) but its owner does not have it");
                    break;
                case Outcome.Refused when stored:
                    tally.Partial($"{write.Kind} {write.Id} was refused ({write.Status}) but its owner stored it");
                    break;
            }
        }

        foreach (var renames in writes.Where(write => write.Kind == WriteKind.PersonRenamed).GroupBy(write => write.Id))
        {
            var ordered = renames.OrderBy(write => write.SentAt).ToList();
            var lastAccepted = ordered.FindLastIndex(write => write.Outcome == Outcome.Accepted);
            if (lastAccepted < 0)
            {
                continue;
            }

            var possible = ordered.Skip(lastAccepted).Where((write, index) => index == 0 || write.Outcome is Outcome.Failed or Outcome.TimedOut).Select(write => write.Value);
            if (names.TryGetValue(renames.Key, out var name) && possible.Contains(name))
            {
                tally.Verified();
            }
            else
            {
                tally.Lost($"person {renames.Key} was renamed to '{ordered[lastAccepted].Value}' ({ordered[lastAccepted].Status}) but is '{name}'");
            }
        }
    }

    private static IEnumerable<Guid> FactsOf(Dictionary<(Guid Source, string Kind), int> facts, string kind) =>
        facts.Where(fact => fact.Key.Kind == kind).SelectMany(fact => Enumerable.Repeat(fact.Key.Source, fact.Value));

    private static void ExpectOnce(string effect, HashSet<Guid> causes, IEnumerable<Guid> effects, Tally tally)
    {
        var found = effects.GroupBy(id => id).ToDictionary(group => group.Key, group => group.Count());
        foreach (var cause in causes)
        {
            switch (found.GetValueOrDefault(cause))
            {
                case 0:
                    tally.Lost($"{effect}: none for {cause}");
                    break;
                case 1:
                    tally.Verified();
                    break;
                case var count:
                    tally.Duplicated($"{effect}: {count} for {cause}");
                    break;
            }
        }

        foreach (var stray in found.Keys.Where(id => !causes.Contains(id)))
        {
            tally.Partial($"{effect}: one for {stray}, which its owner does not have");
        }
    }

    private async Task<List<object?[]>> RowsAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(databases[database]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("tenant", tenant);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private sealed class Tally
    {
        private readonly List<string> problems = [];
        private int verified;
        private int lost;
        private int duplicated;
        private int partial;

        public void Verified() => verified++;

        public void Lost(string problem) => Note(ref lost, problem);

        public void Duplicated(string problem) => Note(ref duplicated, problem);

        public void Partial(string problem) => Note(ref partial, problem);

        public Verdict Verdict(long backlog) => new(verified, lost, duplicated, partial, backlog, problems);

        private void Note(ref int counter, string problem)
        {
            counter++;
            if (problems.Count < ProblemsShown)
            {
                problems.Add(problem);
            }
        }
    }
}
