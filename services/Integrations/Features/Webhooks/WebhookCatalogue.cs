using CrmCloud.Contracts;
using CrmCloud.Contracts.Billing;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Contracts.Sales;
using CrmCloud.Contracts.Support;
using CrmCloud.Platform.Api;

namespace CrmCloud.Integrations.Features.Webhooks;

/// <summary>An integration event as partners receive it: its public type, the resource it is about, and its public data.</summary>
public sealed record WebhookEvent(string Type, string ResourceKey, DateTimeOffset OccurredAt, object Data);

/// <summary>
/// The event types partners can subscribe to, and how each is made from an integration event. The data is a public
/// shape of its own, kept stable for partners: it leaves out what the services keep for each other (a person's birth
/// date, gender, income band; offer codes; proposals contacts may turn down).
/// </summary>
public static class WebhookCatalogue
{
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["contact.created"] = "A person was created.",
        ["contact.updated"] = "A person's details changed; data is the whole new state.",
        ["contact.deleted"] = "A person was deleted, or erased at their request (erased: true): drop what you keep about them.",
        ["contacts.merged"] = "People were merged into one: data.id survives, data.mergedIds are gone.",
        ["lead.created"] = "A lead was captured.",
        ["lead.converted"] = "A lead was converted into a person (and company).",
        ["opportunity.won"] = "An opportunity was won.",
        ["opportunity.lost"] = "An opportunity was lost.",
        ["order.placed"] = "A customer placed an order.",
        ["order.cancelled"] = "A placed order was cancelled.",
        ["order.status_changed"] = "An order moved on (shipped, delivered, ...).",
        ["ticket.opened"] = "A support ticket was opened.",
        ["ticket.status_changed"] = "A ticket moved from one status to another.",
        ["ticket.solved"] = "A ticket was solved.",
        ["invoice.issued"] = "An invoice was issued.",
        ["invoice.paid"] = "An invoice was settled in full.",
        ["invoice.overdue"] = "An invoice passed its due date unpaid.",
        ["payment.received"] = "A payment was received.",
    };

    public static IEnumerable<string> Types => Descriptions.Keys;

    public static bool IsKnown(string type) => Descriptions.ContainsKey(type);

    /// <summary>The public event an integration event makes, or null when partners are not told of it.</summary>
    public static WebhookEvent? Describe(IIntegrationEvent message) => message switch
    {
        ContactCreated e => new("contact.created", Person(e.PersonId), e.OccurredAt, ContactData.From(e.PersonId, e.Version, e.Contact)),
        ContactUpdated e => new("contact.updated", Person(e.PersonId), e.OccurredAt, ContactData.From(e.PersonId, e.Version, e.Contact)),
        ContactDeleted e => new("contact.deleted", Person(e.PersonId), e.OccurredAt, new ContactRemovedData(e.PersonId, e.Version, Erased: false)),
        ContactErased e => new("contact.deleted", Person(e.PersonId), e.OccurredAt, new ContactRemovedData(e.PersonId, e.Version, Erased: true)),
        ContactsMerged e => new(
            "contacts.merged",
            Person(e.PersonId),
            e.OccurredAt,
            new ContactsMergedData(e.PersonId, e.Version, [.. e.Merged.Select(m => m.PersonId)], ContactData.From(e.PersonId, e.Version, e.Contact))),
        LeadCreated e => new(
            "lead.created",
            Lead(e.LeadId),
            e.OccurredAt,
            new LeadData(e.LeadId, e.FirstName, e.LastName, e.Email, e.Phone, e.CompanyName, e.Source, e.CampaignId, e.OwnerId)),
        // Only contacts' answer knows the person a lead became (an existing one, or a new one).
        ContactLinked { SourceKind: "lead" } e => new("lead.converted", Lead(e.SourceId), e.OccurredAt, new LeadConvertedData(e.SourceId, e.PersonId, e.CompanyId)),
        OpportunityWon e => new(
            "opportunity.won",
            $"opportunity:{e.OpportunityId}",
            e.OccurredAt,
            new OpportunityData(e.OpportunityId, e.Name, e.PersonId, e.CompanyId, Money.Of(e.Amount, e.Currency), e.PipelineId, e.StageId, e.OwnerId, null)),
        OpportunityLost e => new(
            "opportunity.lost",
            $"opportunity:{e.OpportunityId}",
            e.OccurredAt,
            new OpportunityData(e.OpportunityId, e.Name, e.PersonId, e.CompanyId, Money.Of(e.Amount, e.Currency), e.PipelineId, e.StageId, e.OwnerId, e.Reason)),
        OrderPlaced e => new("order.placed", Order(e.OrderId), e.OccurredAt, OrderData.From(e)),
        OrderCancelled e => new(
            "order.cancelled",
            Order(e.OrderId),
            e.OccurredAt,
            new OrderCancelledData(e.OrderId, e.OrderNumber, e.PersonId, e.CompanyId, Money.Of(e.NetTotal, e.Currency), Money.Of(e.Total, e.Currency), e.Reason)),
        OrderStatusChanged e => new(
            "order.status_changed",
            Order(e.OrderId),
            e.OccurredAt,
            new OrderStatusData(e.OrderId, e.OrderNumber, e.PersonId, e.CompanyId, e.Status, e.PreviousStatus, e.Carrier, e.TrackingNumber)),
        TicketOpened e => new("ticket.opened", Ticket(e.TicketId), e.OccurredAt, new TicketData(e.TicketId, e.TicketNumber, e.PersonId, e.CompanyId, e.Subject, e.Priority, e.Channel)),
        TicketStatusChanged e => new(
            "ticket.status_changed", Ticket(e.TicketId), e.OccurredAt, new TicketStatusData(e.TicketId, e.TicketNumber, e.PersonId, e.ToStatus, e.FromStatus)),
        TicketSolved e => new("ticket.solved", Ticket(e.TicketId), e.OccurredAt, new TicketData(e.TicketId, e.TicketNumber, e.PersonId, e.CompanyId, e.Subject, e.Priority, e.Channel)),
        InvoiceIssued e => new(
            "invoice.issued",
            Invoice(e.InvoiceId),
            e.OccurredAt,
            new InvoiceData(
                e.InvoiceId, e.InvoiceNumber, e.PersonId, e.CompanyId, e.BillingAccountId, Money.Of(e.Total, e.Currency), Money.Of(e.TaxTotal, e.Currency), e.IssuedOn, e.DueDate, e.OrderId)),
        InvoicePaid e => new(
            "invoice.paid",
            Invoice(e.InvoiceId),
            e.OccurredAt,
            new InvoicePaidData(e.InvoiceId, e.InvoiceNumber, e.PersonId, e.CompanyId, e.BillingAccountId, Money.Of(e.Total, e.Currency), e.PaidOn)),
        InvoiceOverdue e => new(
            "invoice.overdue",
            Invoice(e.InvoiceId),
            e.OccurredAt,
            new InvoiceOverdueData(e.InvoiceId, e.InvoiceNumber, e.PersonId, e.CompanyId, e.BillingAccountId, Money.Of(e.AmountDue, e.Currency), e.DueDate)),
        PaymentReceived e => new(
            "payment.received",
            $"payment:{e.PaymentId}",
            e.OccurredAt,
            new PaymentData(e.PaymentId, e.PersonId, e.CompanyId, e.BillingAccountId, e.InvoiceId, Money.Of(e.Amount, e.Currency), e.Method)),
        _ => null,
    };

    private static string Person(Guid id) => $"person:{id}";

    private static string Lead(Guid id) => $"lead:{id}";

    private static string Order(Guid id) => $"order:{id}";

    private static string Ticket(Guid id) => $"ticket:{id}";

    private static string Invoice(Guid id) => $"invoice:{id}";
}
