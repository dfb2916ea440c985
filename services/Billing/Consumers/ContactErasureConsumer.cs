using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Messaging;
using MassTransit;

namespace CrmCloud.Billing.Consumers;

/// <summary>
/// Anonymises what billing holds of an erased person beyond the account, once per message through the inbox; the
/// account's tombstone is <see cref="ContactChangedConsumer"/>'s.
/// </summary>
public sealed class ContactErasureConsumer(BillingDb db, TimeProvider time) : IConsumer<ContactErased>
{
    public Task Consume(ConsumeContext<ContactErased> context) =>
        db.HandleOnceAsync(context, nameof(ContactErasureConsumer), (message, cancellationToken) =>
            AccountErasure.EraseAsync(db, message.PersonId, time.GetUtcNow(), cancellationToken));
}
