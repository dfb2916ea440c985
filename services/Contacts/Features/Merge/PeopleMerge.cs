using CrmCloud.Contacts.Features.Consent;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Contacts.Features.Profile;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Merge;

/// <summary>People to merge into the person of the path; each goes, the survivor keeps what they held.</summary>
public sealed record MergePeopleRequest(IReadOnlyList<Guid>? DuplicateIds);

/// <summary>
/// <c>POST /api/v1/people/{id}/merge</c>, in one transaction: the survivor takes what the duplicates said that it
/// lacks (<see cref="MergedDetails"/>), their activities, customer facts, consent history and consents (the most recent decision
/// per channel wins), the duplicates go, and <c>ContactsMerged</c> tells the other services to re-point their
/// copies. A duplicate already merged into the survivor is no error, so a repeated merge answers the same.
/// </summary>
internal static class PeopleMerge
{
    public const int MaxDuplicates = 5;
    private const string Resource = "person";

    public static async Task<Results<Ok<PersonResponse>, ValidationProblem, ProblemHttpResult>> MergeAsync(
        Guid id, MergePeopleRequest request, ContactsDb db, TimeProvider time, HttpRequest httpRequest, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var duplicateIds = Validate(id, request, errors);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var tenantId = db.Tenant.TenantId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Every person of the merge locked, in id order so that two merges of the same people cannot deadlock;
        // an update waiting on one of them then finds it changed (412) or gone (404).
        Guid[] locked = [.. duplicateIds.Append(id).Order()];
        await db.Database.ExecuteSqlAsync(
            $"SELECT 1 FROM people WHERE tenant_id = {tenantId} AND id = ANY({locked}) ORDER BY id FOR UPDATE", cancellationToken);

        var loaded = await db.People.FindForChangeAsync(id, httpRequest, Resource, cancellationToken);
        if (loaded.Resource is not { } survivor)
        {
            return loaded.Problem!;
        }

        var duplicates = await db.People.Where(p => duplicateIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        var mergedBefore = await db.PersonMerges.Where(m => duplicateIds.Contains(m.MergedPersonId) && m.SurvivorId == id)
            .Select(m => m.MergedPersonId).ToListAsync(cancellationToken);
        for (var index = 0; index < duplicateIds.Count; index++)
        {
            if (!duplicates.ContainsKey(duplicateIds[index]) && !mergedBefore.Contains(duplicateIds[index]))
            {
                errors.Add($"duplicateIds[{index}]", "The tenant has no person with this id.");
            }
        }

        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        if (duplicates.Count > 0)
        {
            var now = time.GetUtcNow();
            var merging = duplicateIds.Where(duplicates.ContainsKey).Select(duplicateId => duplicates[duplicateId]).ToList();
            var details = merging.Aggregate(survivor.Details, (kept, duplicate) => kept.With(duplicate.Details));
            if (!survivor.Change(details, now))
            {
                survivor.Touch(now);
            }

            foreach (var duplicate in merging)
            {
                await MoveHoldingsAsync(db, duplicate.Id, survivor.Id, now, cancellationToken);
                await MergeConsentsAsync(db, duplicate.Id, survivor.Id, now, cancellationToken);
                await CustomerProfiles.MergeAsync(db, survivor.Id, duplicate.Id, cancellationToken);
                db.PersonMerges.Add(PersonMerge.Of(tenantId, duplicate.Id, survivor.Id, now));
                db.People.Remove(duplicate);
            }

            db.Publish(survivor.Merged(merging));
            if (!await db.TrySaveChangesAsync(cancellationToken))
            {
                return ApiProblems.PreconditionFailed(Resource);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        ETags.Write(response, survivor.Version);
        return TypedResults.Ok(PersonResponse.From(survivor));
    }

    private static List<Guid> Validate(Guid survivorId, MergePeopleRequest request, FieldErrors errors)
    {
        if (request.DuplicateIds is not { Count: >= 1 and <= MaxDuplicates } ids)
        {
            errors.Add("duplicateIds", $"Between 1 and {MaxDuplicates} ids of people to merge into this one.");
            return [];
        }

        for (var index = 0; index < ids.Count; index++)
        {
            if (ids[index] == survivorId)
            {
                errors.Add($"duplicateIds[{index}]", "A person cannot be merged into itself.");
            }
            else if (ids.Take(index).Contains(ids[index]))
            {
                errors.Add($"duplicateIds[{index}]", "This id is already listed.");
            }
        }

        return [.. ids];
    }

    /// <summary>
    /// Rows that belong to the duplicate and would go with it by cascade now belong to the survivor; merges
    /// into the duplicate now point at the survivor. Raw SQL, so filtered on the tenant as well.
    /// </summary>
    private static async Task MoveHoldingsAsync(ContactsDb db, Guid duplicateId, Guid survivorId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tenantId = db.Tenant.TenantId;
        await db.Database.ExecuteSqlAsync(
            $"UPDATE activities SET person_id = {survivorId}, version = version + 1, updated_at = {now} WHERE tenant_id = {tenantId} AND person_id = {duplicateId}",
            cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE consent_changes SET person_id = {survivorId} WHERE tenant_id = {tenantId} AND person_id = {duplicateId}",
            cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE person_merges SET survivor_id = {survivorId} WHERE tenant_id = {tenantId} AND survivor_id = {duplicateId}",
            cancellationToken);
    }

    /// <summary>
    /// Per channel, the most recent decision of either person stands (by when it was given), so an opt-out
    /// given on the duplicate is never lost to an older opt-in of the survivor. The duplicate's history rows
    /// (moved above) already record each decision, so taking one over adds no history of its own.
    /// </summary>
    private static async Task MergeConsentsAsync(ContactsDb db, Guid duplicateId, Guid survivorId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var consents = await db.Consents.Where(c => c.PersonId == duplicateId || c.PersonId == survivorId).ToListAsync(cancellationToken);
        foreach (var taken in consents.Where(c => c.PersonId == duplicateId))
        {
            var kept = consents.FirstOrDefault(c => c.PersonId == survivorId && c.Channel == taken.Channel);
            if (kept is null)
            {
                kept = PersonConsent.Create(db.Tenant.TenantId, survivorId, taken.Channel, taken.Details, taken.ChangedAt, taken.ChangedBy, now);
                db.Consents.Add(kept);
                db.Publish(kept.Changed());
            }
            else if (taken.ChangedAt > kept.ChangedAt && kept.Record(taken.Details, taken.ChangedAt, taken.ChangedBy, now))
            {
                db.Publish(kept.Changed());
            }
        }
    }
}
