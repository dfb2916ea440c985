using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Messaging;
using MassTransit;

namespace CrmCloud.Billing.Consumers;

/// <summary>
/// Moves what merged people were billed to the survivor's account, once per message through the inbox. The accounts
/// themselves follow the merge in <see cref="ContactChangedConsumer"/> (the merged ones become tombstones).
/// </summary>
public sealed class AccountMergeConsumer(BillingDb db, TimeProvider time) : IConsumer<ContactsMerged>
{
    public Task Consume(ConsumeContext<ContactsMerged> context) =>
        db.HandleOnceAsync(context, nameof(AccountMergeConsumer), (message, cancellationToken) =>
            AccountMerge.MergeAsync(
                db, message.PersonId, [.. message.Merged.Select(m => m.PersonId).Where(id => id != message.PersonId).Distinct()], time.GetUtcNow(), cancellationToken));
}
