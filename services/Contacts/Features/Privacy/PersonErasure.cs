using CrmCloud.Contacts.Features.People;
using CrmCloud.Contracts.Contacts;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Privacy;

/// <summary>
/// Erasing a person: the person row goes (rows that belong to it, such as consents, go with it by
/// cascade), every outbox row that names the person goes, and <see cref="ContactErased"/> tells the
/// other services to drop their copies — all in one transaction.
/// </summary>
public static class PersonErasure
{
    /// <returns>False when the tenant has no person with <paramref name="personId"/>: nothing changed.</returns>
    public static async Task<bool> EraseAsync(ContactsDb db, Guid personId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tenantId = db.Tenant.TenantId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Locked first, so an update cannot slip in between: it waits, then finds the person gone (412),
        // and any update that committed before is read below with its outbox row.
        await db.Database.ExecuteSqlAsync(
            $"SELECT 1 FROM people WHERE id = {personId} AND tenant_id = {tenantId} FOR UPDATE", cancellationToken);
        var person = await db.People.FirstOrDefaultAsync(p => p.Id == personId, cancellationToken);
        if (person is null)
        {
            return false;
        }

        // The outbox keeps every event it has sent, and ContactCreated/ContactUpdated carry the person's
        // details, so those rows are copies of the data being erased. All rows naming the person go (other
        // features' events about the person too), sent or not:
        // - a sent row is history nobody reads again;
        // - an unsent row is never needed: the dispatcher publishes in id order and keeps the rows it is
        //   publishing locked, so this DELETE either waits until such a row is confirmed or removes it
        //   before it goes out. ContactErased below comes after all of them in id order and carries a
        //   higher version than any contact event of the person, so a consumer that never saw them records the tombstone
        //   directly, and one that did replaces its copy with it.
        // Filtered on the tenant as well: raw SQL bypasses the tenant filter.
        await db.Database.ExecuteSqlAsync(
            $"DELETE FROM outbox_messages WHERE tenant_id = {tenantId} AND payload->>'personId' = {personId.ToString()}",
            cancellationToken);

        db.People.Remove(person);
        db.Publish(person.Erased(now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Like <see cref="Person.Deleted"/>: one version past the person's last.</summary>
    public static ContactErased Erased(this Person person, DateTimeOffset now) => new(person.TenantId, person.Id, person.Version + 1, now);
}
