using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Billing.Features.Invoices;
using CrmCloud.Contracts.Sales;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Billing.Consumers;

/// <summary>
/// Bills each placed order with one issued invoice, whatever the redeliveries: the inbox drops a message seen before,
/// and the unique index on the order id drops the same order published twice under another message id. The lines are
/// the order's as sales priced them, re-rounded to the currency's minor unit line by line. An order cancelled before its
/// placement was delivered bills nothing.
/// </summary>
public sealed class OrderPlacedConsumer(BillingDb db, TimeProvider time) : IConsumer<OrderPlaced>
{
    public Task Consume(ConsumeContext<OrderPlaced> context) =>
        db.HandleOnceAsync(context, nameof(OrderPlacedConsumer), async (order, cancellationToken) =>
        {
            await OrderCancellation.LockOrderAsync(db, order.OrderId, cancellationToken);
            if (await db.Invoices.AnyAsync(i => i.OrderId == order.OrderId, cancellationToken)
                || await OrderCancellation.IsCancelledAsync(db, order.OrderId, cancellationToken))
            {
                return;
            }

            var now = time.GetUtcNow();
            // An order placed before a merge but delivered after it bills the survivor.
            var person = await PersonMerge.SurvivorOfAsync(db, order.PersonId, cancellationToken);
            var account = await db.BillingAccounts.FirstOrDefaultAsync(a => a.PersonId == person, cancellationToken);
            if (account is null)
            {
                // The order may arrive before the person's contact event: the account starts empty and the event fills it in.
                account = ContactCopy.New<BillingAccount>(order.TenantId, person, now);
                db.BillingAccounts.Add(account);
            }

            var lines = order.Lines
                .Select(l => InvoiceLine.Priced($"{l.Name} ({l.Sku})", l.Quantity, l.UnitPrice, l.Discount, null, null, l.TaxRate, order.Currency))
                .ToList();
            var invoice = Invoice.Draft(
                order.TenantId, Ids.New(), new InvoiceSource(account.Id, person, order.CompanyId, OrderId: order.OrderId),
                Invoice.DefaultSeries, order.Currency, lines, $"Order {order.OrderNumber}", now);
            db.Invoices.Add(invoice);
            await InvoiceIssuing.IssueAsync(db, invoice, account, now, cancellationToken);
        });
}
