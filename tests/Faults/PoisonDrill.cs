using System.Net.Http.Json;
using CrmCloud.TestInfrastructure;
using Npgsql;

namespace CrmCloud.Faults;

/// <summary>
/// A message its consumer cannot handle, end to end: contacts' database is made to refuse its ticket facts consumer's
/// <c>TicketOpened</c> (a check constraint on the inbox, as a bad deployment might leave; no load runs meanwhile), a ticket
/// is opened, and the message must land in contacts' error queue with the reason while campaign, whose consumer is fine,
/// handles it. Then the cause is fixed (the
/// constraint dropped), the error queue replayed, and the fact must be stored exactly once.
/// </summary>
internal sealed class PoisonDrill(HttpClient gateway, Baseline baseline, string contactsDatabase, ErrorQueues errorQueues, Consistency consistency)
{
    public const string ErrorQueue = "contacts-support-facts" + ErrorQueues.Suffix;
    private const string Constraint = "fault_drill_refuses_poison";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <returns>What failed, or null when the message was parked with its reason and replayed once fixed.</returns>
    public async Task<string?> RunAsync()
    {
        var marker = $"poison-{Guid.NewGuid():N}";
        await ExecuteAsync(
            $"ALTER TABLE inbox_messages ADD CONSTRAINT {Constraint} CHECK (NOT (consumer = 'SupportFactsConsumer' AND message_type = 'TicketOpened')) NOT VALID");
        try
        {
            var ticket = Guid.NewGuid();
            using var opened = await gateway.PostAsJsonAsync(
                "/api/v1/tickets", new { id = ticket, subject = $"Ticket {marker}", requesterPersonId = baseline.AnyCustomer().PersonId });
            if (!opened.IsSuccessStatusCode)
            {
                return $"opening the ticket answered {(int)opened.StatusCode}";
            }

            var parked = await Eventually.Until(
                async () => (await errorQueues.PeekAsync(ErrorQueue, 50)).FirstOrDefault(message => message.Body.Contains(marker, StringComparison.Ordinal)),
                Deadline,
                $"the ticket's TicketOpened to be parked in {ErrorQueue}");
            Drill.Log($"  parked in {ErrorQueue}: {parked.Reason}");
            if (!parked.Reason.Contains(Constraint, StringComparison.Ordinal))
            {
                return $"the parked message's reason does not name the cause: {parked.Reason}";
            }

            if (await FactsAsync(ticket) != 0)
            {
                return "contacts stored the fact although its consumer failed";
            }

            await ExecuteAsync($"ALTER TABLE inbox_messages DROP CONSTRAINT {Constraint}");
            var moved = await errorQueues.ReplayAsync(ErrorQueue);
            Drill.Log($"  cause fixed; replayed {moved} message(s) from {ErrorQueue}");
            await Eventually.Until(async () => await FactsAsync(ticket) == 1, Deadline, "the replayed message's fact in contacts");
            var verdict = await consistency.CheckAsync([]);
            return verdict.Settled ? null : $"after the replay: {verdict.Lost} lost, {verdict.Duplicated} duplicated, {verdict.Partial} partial";
        }
        finally
        {
            await ExecuteAsync($"ALTER TABLE inbox_messages DROP CONSTRAINT IF EXISTS {Constraint}");
        }
    }

    private Task<long> FactsAsync(Guid ticket) =>
        Database.CountAsync(contactsDatabase, "SELECT count(*) FROM customer_facts WHERE source_id = $1", ticket);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(contactsDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
