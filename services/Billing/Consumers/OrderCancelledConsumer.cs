using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Contracts.Sales;
using CrmCloud.Platform.Messaging;
using MassTransit;

namespace CrmCloud.Billing.Consumers;

/// <summary>
/// Takes back the invoice of each cancelled order exactly once, whatever the redeliveries: the inbox drops a message seen
/// before, and the recorded cancellation drops the same cancellation published again (<see cref="OrderCancellation"/>).
/// </summary>
public sealed class OrderCancelledConsumer(BillingDb db, TimeProvider time) : IConsumer<OrderCancelled>
{
    public Task Consume(ConsumeContext<OrderCancelled> context) =>
        db.HandleOnceAsync(context, nameof(OrderCancelledConsumer), (order, cancellationToken) =>
            OrderCancellation.CancelAsync(db, order, time.GetUtcNow(), cancellationToken));
}
