using System.Text.Json;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Contracts.Sales;
using CrmCloud.Platform.Api;

namespace CrmCloud.Integrations.Features.Webhooks;

// The public data of each event type (WebhookCatalogue): names as the REST resources use them, money as Money.

/// <summary>A person as partners see it in contact.created, contact.updated and contacts.merged.</summary>
public sealed record ContactData(
    Guid Id,
    long Version,
    string FirstName,
    string LastName,
    string? Email,
    string? Phone,
    string? JobTitle,
    Guid? CompanyId,
    IReadOnlyList<string> Emails,
    IReadOnlyList<string> Phones,
    AddressSnapshot? Address,
    string? Language,
    string? LifecycleStage,
    string? Relationship,
    string? OwnerId,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, JsonElement>? CustomFields)
{
    public static ContactData From(Guid id, long version, ContactSnapshot contact) => new(
        id, version, contact.FirstName, contact.LastName, contact.Email, contact.Phone, contact.JobTitle, contact.CompanyId, contact.Emails, contact.Phones,
        contact.Address, contact.Language, contact.LifecycleStage, contact.Relationship, contact.OwnerId, contact.Tags, contact.CustomFields);
}

public sealed record ContactRemovedData(Guid Id, long Version, bool Erased);

public sealed record ContactsMergedData(Guid Id, long Version, IReadOnlyList<Guid> MergedIds, ContactData Contact);

public sealed record LeadData(
    Guid Id, string? FirstName, string? LastName, string? Email, string? Phone, string? CompanyName, string Source, Guid? CampaignId, string? OwnerId);

public sealed record LeadConvertedData(Guid Id, Guid PersonId, Guid? CompanyId);

public sealed record OpportunityData(
    Guid Id, string Name, Guid PersonId, Guid? CompanyId, Money Amount, Guid PipelineId, Guid StageId, string OwnerId, string? LostReason);

public sealed record OrderLineData(Guid ProductId, string Sku, string Name, decimal Quantity, Money UnitPrice, Money Discount, decimal TaxRate, Money NetAmount);

public sealed record OrderData(
    Guid Id,
    string Number,
    Guid PersonId,
    Guid? CompanyId,
    IReadOnlyList<OrderLineData> Lines,
    Money NetTotal,
    Money DiscountTotal,
    Money TaxTotal,
    Money Total,
    Guid? CampaignId)
{
    public static OrderData From(OrderPlaced order) => new(
        order.OrderId,
        order.OrderNumber,
        order.PersonId,
        order.CompanyId,
        [.. order.Lines.Select(line => new OrderLineData(
            line.ProductId, line.Sku, line.Name, line.Quantity, Money.Of(line.UnitPrice, order.Currency), Money.Of(line.Discount, order.Currency), line.TaxRate,
            Money.Of(line.NetAmount, order.Currency)))],
        Money.Of(order.NetTotal, order.Currency),
        Money.Of(order.DiscountTotal, order.Currency),
        Money.Of(order.TaxTotal, order.Currency),
        Money.Of(order.Total, order.Currency),
        order.CampaignId);
}

public sealed record OrderCancelledData(Guid Id, string Number, Guid PersonId, Guid? CompanyId, Money NetTotal, Money Total, string? Reason);

public sealed record OrderStatusData(Guid Id, string Number, Guid PersonId, Guid? CompanyId, string Status, string PreviousStatus, string? Carrier, string? TrackingNumber);

public sealed record TicketData(Guid Id, string Number, Guid PersonId, Guid? CompanyId, string Subject, string Priority, string Channel);

public sealed record TicketStatusData(Guid Id, string Number, Guid? PersonId, string Status, string PreviousStatus);

public sealed record InvoiceData(
    Guid Id, string Number, Guid PersonId, Guid? CompanyId, Guid BillingAccountId, Money Total, Money TaxTotal, DateOnly IssuedOn, DateOnly DueDate, Guid? OrderId);

public sealed record InvoicePaidData(Guid Id, string Number, Guid PersonId, Guid? CompanyId, Guid BillingAccountId, Money Total, DateOnly PaidOn);

public sealed record InvoiceOverdueData(Guid Id, string Number, Guid PersonId, Guid? CompanyId, Guid BillingAccountId, Money AmountDue, DateOnly DueDate);

public sealed record PaymentData(Guid Id, Guid PersonId, Guid? CompanyId, Guid BillingAccountId, Guid? InvoiceId, Money Amount, string? Method);
