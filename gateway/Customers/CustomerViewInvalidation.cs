using CrmCloud.Contracts;
using CrmCloud.Contracts.Billing;
using CrmCloud.Contracts.Campaign;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Contracts.Sales;
using CrmCloud.Contracts.Support;
using MassTransit;

namespace CrmCloud.Gateway.Customers;

/// <summary>
/// Forgets the cached 360s of the person an event names, so the next 360 shows the change. Deleting a key twice is
/// the same as once, so a redelivered event needs no inbox (and the gateway keeps no database to hold one). Gateway
/// instances share this queue and take turns: they share the Redis the 360s are kept in.
/// </summary>
public sealed class CustomerViewInvalidation(CustomerViewCache cache) :
    IConsumer<ContactUpdated>,
    IConsumer<ContactDeleted>,
    IConsumer<ContactsMerged>,
    IConsumer<ContactErased>,
    IConsumer<OrderPlaced>,
    IConsumer<OrderCancelled>,
    IConsumer<TicketOpened>,
    IConsumer<TicketSolved>,
    IConsumer<InvoiceIssued>,
    IConsumer<InvoicePaid>,
    IConsumer<OpportunityWon>,
    IConsumer<OpportunityLost>,
    IConsumer<CampaignResponseRecorded>
{
    public Task Consume(ConsumeContext<ContactUpdated> context) => ForgetAsync(context.Message, context.Message.PersonId);

    public Task Consume(ConsumeContext<ContactDeleted> context) => ForgetAsync(context.Message, context.Message.PersonId);

    /// <summary>The survivor gains what the merged people had, and the merged ones are gone.</summary>
    public Task Consume(ConsumeContext<ContactsMerged> context) =>
        ForgetAsync(context.Message, [context.Message.PersonId, .. context.Message.Merged.Select(merged => merged.PersonId)]);

    public Task Consume(ConsumeContext<ContactErased> context) => ForgetAsync(context.Message, context.Message.PersonId);

    public Task Consume(ConsumeContext<OrderPlaced> context) => ForgetAsync(context.Message, context.Message.PersonId);

    public Task Consume(ConsumeContext<OrderCancelled> context) => ForgetAsync(context.Message, context.Message.PersonId);

    public Task Consume(ConsumeContext<TicketOpened> context) => ForgetAsync(context.Message, context.Message.PersonId);

    public Task Consume(ConsumeContext<TicketSolved> context) => ForgetAsync(context.Message, context.Message.PersonId);

    public Task Consume(ConsumeContext<InvoiceIssued> context) => ForgetAsync(context.Message, context.Message.PersonId);

    public Task Consume(ConsumeContext<InvoicePaid> context) => ForgetAsync(context.Message, context.Message.PersonId);

    public Task Consume(ConsumeContext<OpportunityWon> context) => ForgetAsync(context.Message, context.Message.PersonId);

    public Task Consume(ConsumeContext<OpportunityLost> context) => ForgetAsync(context.Message, context.Message.PersonId);

    public Task Consume(ConsumeContext<CampaignResponseRecorded> context) => ForgetAsync(context.Message, context.Message.PersonId);

    private Task ForgetAsync(IIntegrationEvent message, params Guid[] people) =>
        Task.WhenAll(people.Select(person => cache.ForgetAsync(message.TenantId, person)));
}
