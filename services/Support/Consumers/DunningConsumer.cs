using CrmCloud.Contracts.Billing;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Messaging;
using CrmCloud.Support.Features.Dunning;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Support.Consumers;

/// <summary>
/// Keeps <see cref="DunningInvoice"/> from billing's facts, once per message through the inbox and in whichever order
/// they come: an overdue invoice flags its customer's tickets until it is paid.
/// </summary>
public sealed class DunningConsumer(SupportDb db) : IConsumer<InvoiceOverdue>, IConsumer<InvoicePaid>
{
    public Task Consume(ConsumeContext<InvoiceOverdue> context) =>
        db.HandleOnceAsync(context, nameof(DunningConsumer), async (overdue, cancellationToken) =>
        {
            var invoice = await FindOrAddAsync(overdue.InvoiceId, overdue.InvoiceNumber, overdue.PersonId, overdue.CompanyId, overdue.Currency, cancellationToken);
            invoice.Overdue(overdue.AmountDue, overdue.DueDate, overdue.OccurredAt);
        });

    public Task Consume(ConsumeContext<InvoicePaid> context) =>
        db.HandleOnceAsync(context, nameof(DunningConsumer), async (paid, cancellationToken) =>
        {
            var invoice = await FindOrAddAsync(paid.InvoiceId, paid.InvoiceNumber, paid.PersonId, paid.CompanyId, paid.Currency, cancellationToken);
            invoice.Paid(paid.PaidOn);
        });

    private async Task<DunningInvoice> FindOrAddAsync(Guid invoiceId, string number, Guid personId, Guid? companyId, string currency, CancellationToken cancellationToken)
    {
        if (await db.DunningInvoices.FirstOrDefaultAsync(i => i.InvoiceId == invoiceId, cancellationToken) is { } known)
        {
            return known;
        }

        // Billing may still name a person merged away since: the invoice is the survivor's.
        var person = await PersonMerge.SurvivorOfAsync(db, personId, cancellationToken);
        var invoice = DunningInvoice.Of(db.Tenant.TenantId, invoiceId, number, person, companyId, currency);
        db.DunningInvoices.Add(invoice);
        return invoice;
    }
}
