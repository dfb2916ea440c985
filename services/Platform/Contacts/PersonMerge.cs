using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Platform.Contacts;

/// <summary>
/// A person contacts merged into another, as a service keeps it: the merged id stays known, so a fact or an order
/// that still names it is the survivor's. When the survivor is merged in turn, the record moves on to the new
/// survivor, so it always names a live person. Two ids and a time: no personal data, kept after an erasure.
/// Each service maps it to its own <c>person_merges</c> table.
/// </summary>
public sealed class PersonMerge : ITenantOwned
{
    private PersonMerge()
    {
    }

    public Guid MergedPersonId { get; private set; }

    public string TenantId { get; private set; } = "";

    public Guid SurvivorId { get; private set; }

    public DateTimeOffset MergedAt { get; private set; }

    public static PersonMerge Of(string tenantId, Guid mergedPersonId, Guid survivorId, DateTimeOffset now) =>
        new() { TenantId = tenantId, MergedPersonId = mergedPersonId, SurvivorId = survivorId, MergedAt = now };

    public void MoveTo(Guid survivorId, DateTimeOffset now)
    {
        SurvivorId = survivorId;
        MergedAt = now;
    }

    /// <summary>
    /// Remembers that each of <paramref name="merged"/> is now <paramref name="survivorId"/>, and moves the records of people
    /// merged into them earlier on to the survivor too.
    /// </summary>
    public static async Task RecordAsync(ServiceDb db, Guid survivorId, IReadOnlyCollection<Guid> merged, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var known = await db.Set<PersonMerge>().Where(m => merged.Contains(m.MergedPersonId) || merged.Contains(m.SurvivorId)).ToListAsync(cancellationToken);
        foreach (var record in known)
        {
            record.MoveTo(survivorId, now);
        }

        foreach (var id in merged.Where(id => !known.Any(record => record.MergedPersonId == id)))
        {
            db.Add(Of(db.Tenant.TenantId, id, survivorId, now));
        }
    }

    /// <summary>The person that <paramref name="personId"/> now is: its survivor when it was merged, else itself.</summary>
    public static async Task<Guid> SurvivorOfAsync(ServiceDb db, Guid personId, CancellationToken cancellationToken) =>
        await db.Set<PersonMerge>().Where(m => m.MergedPersonId == personId).Select(m => (Guid?)m.SurvivorId).FirstOrDefaultAsync(cancellationToken) ?? personId;
}
