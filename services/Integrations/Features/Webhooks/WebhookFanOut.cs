using System.Text.Json;
using CrmCloud.Contracts;
using CrmCloud.Contracts.Billing;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Contracts.Sales;
using CrmCloud.Contracts.Support;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Integrations.Features.Webhooks;

/// <summary>
/// Turns each integration event in <see cref="WebhookCatalogue"/> into one pending delivery per enabled subscription of
/// its tenant to its type, in the same transaction as the inbox record: a redelivered event makes no second delivery.
/// The services never wait for a partner; only this service's sender does. One queue for all types, consumed one message
/// at a time, so events about one resource become deliveries in the order they were published.
/// </summary>
public sealed class WebhookFanOut(IntegrationsDb db, TimeProvider time) :
    IConsumer<ContactCreated>, IConsumer<ContactUpdated>, IConsumer<ContactDeleted>, IConsumer<ContactErased>, IConsumer<ContactsMerged>,
    IConsumer<LeadCreated>, IConsumer<ContactLinked>, IConsumer<OpportunityWon>, IConsumer<OpportunityLost>,
    IConsumer<OrderPlaced>, IConsumer<OrderCancelled>, IConsumer<OrderStatusChanged>,
    IConsumer<TicketOpened>, IConsumer<TicketStatusChanged>, IConsumer<TicketSolved>,
    IConsumer<InvoiceIssued>, IConsumer<InvoicePaid>, IConsumer<InvoiceOverdue>, IConsumer<PaymentReceived>
{
    /// <summary>The bodies' JSON: the API's conventions (camelCase, absent rather than null, UTC timestamps).</summary>
    public static readonly JsonSerializerOptions Json = ServiceDefaults.Extensions.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public Task Consume(ConsumeContext<ContactCreated> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<ContactUpdated> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<ContactDeleted> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<ContactErased> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<ContactsMerged> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<LeadCreated> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<ContactLinked> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<OpportunityWon> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<OpportunityLost> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<OrderPlaced> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<OrderCancelled> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<OrderStatusChanged> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<TicketOpened> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<TicketStatusChanged> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<TicketSolved> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<InvoiceIssued> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<InvoicePaid> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<InvoiceOverdue> context) => FanOutAsync(context);

    public Task Consume(ConsumeContext<PaymentReceived> context) => FanOutAsync(context);

    private async Task FanOutAsync<TEvent>(ConsumeContext<TEvent> context)
        where TEvent : class, IIntegrationEvent
    {
        if (WebhookCatalogue.Describe(context.Message) is not { } published)
        {
            return;
        }

        // Most events concern a tenant with no subscription to them: with nothing to deliver there is nothing to
        // make once, so they cost one read rather than an inbox transaction (2.2 CPU-ms of each person created).
        db.Tenant.Use(context.Message.TenantId);
        if (!await Subscribed(published.Type).AnyAsync(context.CancellationToken))
        {
            return;
        }

        await db.HandleOnceAsync(context, nameof(WebhookFanOut), async (message, cancellationToken) =>
        {
            var subscriptions = await Subscribed(published.Type).ToListAsync(cancellationToken);
            var now = time.GetUtcNow();
            foreach (var subscription in subscriptions)
            {
                var id = Ids.New();
                var body = JsonSerializer.Serialize(new WebhookBody(id, published.Type, published.OccurredAt, message.TenantId, published.Data), Json);
                db.WebhookDeliveries.Add(WebhookDelivery.For(subscription, id, context.MessageId!.Value, published, body, now));
            }
        });
    }

    private IQueryable<WebhookSubscription> Subscribed(string type) =>
        db.WebhookSubscriptions.Where(s => s.Enabled && s.EventTypes.Contains(type));
}

/// <summary>What a receiver gets: <c>id</c> is the delivery's, the same on every attempt.</summary>
public sealed record WebhookBody(Guid Id, string Type, DateTimeOffset OccurredAt, string Tenant, object Data);

/// <summary>One message at a time, so deliveries about one resource are made in the order their events came.</summary>
public sealed class WebhookFanOutDefinition : ConsumerDefinition<WebhookFanOut>
{
    public WebhookFanOutDefinition() => ConcurrentMessageLimit = 1;
}
