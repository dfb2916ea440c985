using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Messaging;
using CrmCloud.Sales.Features.Customers;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Consumers;

/// <summary>
/// Moves the orders and opportunities of people merged in contacts to the survivor, once per message through the inbox, and
/// remembers each merge so that an order placed later for a merged id goes to the survivor. The customer copies
/// themselves follow the merge in <see cref="ContactChangedConsumer"/>.
/// </summary>
public sealed class CustomerMergeConsumer(SalesDb db, TimeProvider time) : IConsumer<ContactsMerged>
{
    public Task Consume(ConsumeContext<ContactsMerged> context) =>
        db.HandleOnceAsync(context, nameof(CustomerMergeConsumer), async (message, cancellationToken) =>
        {
            var now = time.GetUtcNow();
            var survivor = message.PersonId;
            Guid[] merged = [.. message.Merged.Select(m => m.PersonId).Where(id => id != survivor).Distinct()];
            await CustomerLocks.LockForMergeAsync(db, merged, cancellationToken);

            await PersonMerge.RecordAsync(db, survivor, merged, now, cancellationToken);

            await db.Orders
                .Where(order => merged.Contains(order.PersonId))
                .ExecuteUpdateAsync(
                    order => order.SetProperty(o => o.PersonId, survivor)
                        .SetProperty(o => o.Version, o => o.Version + 1)
                        .SetProperty(o => o.UpdatedAt, now),
                    cancellationToken);

            // Raw SQL, so filtered on the tenant as well: the person is a column of the opportunity's details.
            await db.Database.ExecuteSqlAsync(
                $"UPDATE opportunities SET person_id = {survivor}, version = version + 1, updated_at = {now} WHERE tenant_id = {db.Tenant.TenantId} AND person_id = ANY({merged})",
                cancellationToken);
        });
}
