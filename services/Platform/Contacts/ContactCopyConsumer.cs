using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Platform.Contacts;

/// <summary>
/// Keeps a service's <typeparamref name="TCopy"/> in step with contacts: exactly once per message
/// through the inbox, and in contacts' version order whatever order the events arrive in. A deleted or
/// erased person leaves a tombstone without personal data, and so does each person merged into another.
/// </summary>
public abstract class ContactCopyConsumer<TDb, TCopy>(TDb db, TimeProvider time) :
    IConsumer<ContactCreated>,
    IConsumer<ContactUpdated>,
    IConsumer<ContactDeleted>,
    IConsumer<ContactErased>,
    IConsumer<ContactsMerged>
    where TDb : ServiceDb
    where TCopy : ContactCopy, new()
{
    private string Name => GetType().Name;

    public Task Consume(ConsumeContext<ContactCreated> context) =>
        db.HandleOnceAsync(context, Name, (message, token) => ApplyAsync(message.PersonId, message.Version, message.Contact, token));

    public Task Consume(ConsumeContext<ContactUpdated> context) =>
        db.HandleOnceAsync(context, Name, (message, token) => ApplyAsync(message.PersonId, message.Version, message.Contact, token));

    public Task Consume(ConsumeContext<ContactDeleted> context) =>
        db.HandleOnceAsync(context, Name, (message, token) => ApplyAsync(message.PersonId, message.Version, null, token));

    public Task Consume(ConsumeContext<ContactErased> context) =>
        db.HandleOnceAsync(context, Name, (message, token) => ApplyAsync(message.PersonId, message.Version, null, token));

    public Task Consume(ConsumeContext<ContactsMerged> context) =>
        db.HandleOnceAsync(context, Name, async (message, token) =>
        {
            await ApplyAsync(message.PersonId, message.Version, message.Contact, token);
            foreach (var merged in message.Merged)
            {
                await ApplyAsync(merged.PersonId, merged.Version, null, token);
            }
        });

    private async Task ApplyAsync(Guid personId, long version, ContactSnapshot? contact, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var copy = await db.Set<TCopy>().FirstOrDefaultAsync(c => c.PersonId == personId, cancellationToken);
        if (copy is null)
        {
            copy = ContactCopy.New<TCopy>(db.Tenant.TenantId, personId, now);
            db.Add(copy);
        }

        copy.Apply(version, contact, now);
    }
}
