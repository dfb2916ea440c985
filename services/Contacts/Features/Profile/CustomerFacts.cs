using CrmCloud.Platform.Contacts;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Profile;

/// <summary>
/// Stores the facts other services publish about the tenant's people and keeps each person's profile in step.
/// Runs inside a consumer's inbox transaction, which commits the fact, the profile and the inbox record together.
/// </summary>
/// <remarks>
/// A fact about a person the tenant does not have is dropped, logged by ids only, and not retried. Contacts owns
/// people: a person is stored here before <c>ContactCreated</c> goes out, so no other service can know a person
/// contacts does not have yet. An unknown id therefore means the person was deleted or erased (keeping the fact
/// would hold data about someone who is gone, or has asked to be forgotten, with nothing that could ever remove
/// it), or belongs to another tenant (it must never be attached here). Retrying could not change either. A person
/// merged into another is the exception: their facts are the survivor's.
/// </remarks>
public sealed partial class CustomerFacts(ContactsDb db, TimeProvider time, ILogger<CustomerFacts> logger)
{
    /// <returns>False when nothing changed: the person is unknown, or the fact is already stored.</returns>
    public async Task<bool> RecordAsync(FactReport report, CancellationToken cancellationToken)
    {
        // Held to the end of the transaction: facts about one person are recorded one after the other, so each
        // recomputation sees every fact committed before it, and the person cannot be deleted meanwhile.
        if (!await LockPersonAsync(db, report.PersonId, cancellationToken))
        {
            // A service that has not yet heard of a merge still names the merged person: the fact is the survivor's.
            var survivorId = await PersonMerge.SurvivorOfAsync(db, report.PersonId, cancellationToken);
            if (survivorId == report.PersonId || !await LockPersonAsync(db, survivorId, cancellationToken))
            {
                LogUnknownPerson(logger, report.Kind, report.Event, report.SourceId, report.PersonId, db.Tenant.TenantId);
                return false;
            }

            report = report with { PersonId = survivorId };
        }

        if (await db.CustomerFacts.AnyAsync(
                f => f.Kind == report.Kind && f.Event == report.Event && f.SourceId == report.SourceId, cancellationToken))
        {
            return false;
        }

        // A company the tenant does not have (deleted, or never theirs) is left out; the person's fact still counts.
        var companyId = report.CompanyId is { } named && await db.Companies.AnyAsync(c => c.Id == named, cancellationToken) ? named : (Guid?)null;
        db.CustomerFacts.Add(CustomerFact.Record(db.Tenant.TenantId, report, companyId, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        await CustomerProfiles.RecomputeAsync(db, report.PersonId, cancellationToken);
        return true;
    }

    /// <summary>Locks the tenant's person until the transaction ends; false when the tenant has no such person.</summary>
    internal static async Task<bool> LockPersonAsync(ContactsDb db, Guid personId, CancellationToken cancellationToken)
    {
        // NO KEY UPDATE: waits for other writers of the person, but not for rows that only reference it (facts,
        // activities), which take a key-share lock. Raw SQL bypasses the tenant filter, so it filters on the tenant.
        var found = await db.Database
            .SqlQuery<Guid>($"SELECT id AS \"Value\" FROM people WHERE id = {personId} AND tenant_id = {db.Tenant.TenantId} FOR NO KEY UPDATE")
            .ToListAsync(cancellationToken);
        return found.Count == 1;
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Dropped the {Kind} {Event} fact about {SourceId}: tenant {TenantId} has no person {PersonId} (deleted, erased or another tenant's)")]
    private static partial void LogUnknownPerson(ILogger logger, FactKind kind, string @event, Guid sourceId, Guid personId, string tenantId);
}
