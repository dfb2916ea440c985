using System.Globalization;
using CrmCloud.Contracts.Billing;
using CrmCloud.Contracts.Campaign;
using CrmCloud.Contracts.Sales;
using CrmCloud.Contracts.Support;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Messaging;
using MassTransit;

namespace CrmCloud.Contacts.Features.Profile;

/// <summary>Orders from sales: placed ones count towards lifetime revenue until cancelled.</summary>
public sealed class SalesFactsConsumer(ContactsDb db, CustomerFacts facts) : IConsumer<OrderPlaced>, IConsumer<OrderCancelled>
{
    public Task Consume(ConsumeContext<OrderPlaced> context) =>
        db.HandleOnceAsync(context, nameof(SalesFactsConsumer), (order, token) => facts.RecordAsync(FactReports.Of(order), token));

    public Task Consume(ConsumeContext<OrderCancelled> context) =>
        db.HandleOnceAsync(context, nameof(SalesFactsConsumer), (order, token) => facts.RecordAsync(FactReports.Of(order), token));
}

/// <summary>Invoices and payments from billing, for the timeline.</summary>
public sealed class BillingFactsConsumer(ContactsDb db, CustomerFacts facts) : IConsumer<InvoiceIssued>, IConsumer<PaymentReceived>
{
    public Task Consume(ConsumeContext<InvoiceIssued> context) =>
        db.HandleOnceAsync(context, nameof(BillingFactsConsumer), (invoice, token) => facts.RecordAsync(FactReports.Of(invoice), token));

    public Task Consume(ConsumeContext<PaymentReceived> context) =>
        db.HandleOnceAsync(context, nameof(BillingFactsConsumer), (payment, token) => facts.RecordAsync(FactReports.Of(payment), token));
}

/// <summary>Tickets from support: open from opened until solved.</summary>
public sealed class SupportFactsConsumer(ContactsDb db, CustomerFacts facts) : IConsumer<TicketOpened>, IConsumer<TicketSolved>
{
    public Task Consume(ConsumeContext<TicketOpened> context) =>
        db.HandleOnceAsync(context, nameof(SupportFactsConsumer), (ticket, token) => facts.RecordAsync(FactReports.Of(ticket), token));

    public Task Consume(ConsumeContext<TicketSolved> context) =>
        db.HandleOnceAsync(context, nameof(SupportFactsConsumer), (ticket, token) => facts.RecordAsync(FactReports.Of(ticket), token));
}

/// <summary>Campaign responses from campaign: the latest is the profile's last response.</summary>
public sealed class CampaignFactsConsumer(ContactsDb db, CustomerFacts facts) : IConsumer<CampaignResponseRecorded>
{
    public Task Consume(ConsumeContext<CampaignResponseRecorded> context) =>
        db.HandleOnceAsync(context, nameof(CampaignFactsConsumer), (response, token) => facts.RecordAsync(FactReports.Of(response), token));
}

/// <summary>
/// Each event as a <see cref="FactReport"/>, with its one-line summary. An event whose currency is not an ISO 4217
/// code is a publisher's defect: it throws, so the message is retried and then parked in the error queue for a person
/// to look at, instead of storing an amount nobody can add up.
/// </summary>
internal static class FactReports
{
    public static FactReport Of(OrderPlaced order)
    {
        var lines = order.Lines.Count == 1 ? "1 line" : $"{order.Lines.Count} lines";
        var currency = Currency(order.Currency);
        return new FactReport(
            FactKind.Order,
            FactEvents.Placed,
            order.OrderId,
            order.PersonId,
            order.CompanyId,
            order.OccurredAt,
            $"Order {order.OrderNumber} placed: {lines}, {Amount(order.Total)} {currency} incl. {Amount(order.TaxTotal)} {currency} tax",
            new FactAmount(order.NetTotal, currency),
            order.CampaignId);
    }

    public static FactReport Of(OrderCancelled order)
    {
        var currency = Currency(order.Currency);
        return new FactReport(
            FactKind.Order,
            FactEvents.Cancelled,
            order.OrderId,
            order.PersonId,
            order.CompanyId,
            order.OccurredAt,
            $"Order {order.OrderNumber} cancelled" + (string.IsNullOrWhiteSpace(order.Reason) ? "" : $": {order.Reason.Trim()}"),
            new FactAmount(order.NetTotal, currency));
    }

    public static FactReport Of(InvoiceIssued invoice)
    {
        var currency = Currency(invoice.Currency);
        return new FactReport(
            FactKind.Invoice,
            FactEvents.Issued,
            invoice.InvoiceId,
            invoice.PersonId,
            invoice.CompanyId,
            invoice.OccurredAt,
            $"Invoice {invoice.InvoiceNumber} issued: {Amount(invoice.Total)} {currency} due {invoice.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
            new FactAmount(invoice.Total, currency));
    }

    public static FactReport Of(PaymentReceived payment)
    {
        var currency = Currency(payment.Currency);
        return new FactReport(
            FactKind.Payment,
            FactEvents.Received,
            payment.PaymentId,
            payment.PersonId,
            payment.CompanyId,
            payment.OccurredAt,
            $"Payment received: {Amount(payment.Amount)} {currency}" + (string.IsNullOrWhiteSpace(payment.Method) ? "" : $" by {payment.Method.Trim()}"),
            new FactAmount(payment.Amount, currency));
    }

    public static FactReport Of(TicketOpened ticket) => new(
        FactKind.Ticket,
        FactEvents.Opened,
        ticket.TicketId,
        ticket.PersonId,
        ticket.CompanyId,
        ticket.OccurredAt,
        $"Ticket {ticket.TicketNumber} opened ({ticket.Priority}, {ticket.Channel}): {ticket.Subject}");

    public static FactReport Of(TicketSolved ticket) => new(
        FactKind.Ticket,
        FactEvents.Solved,
        ticket.TicketId,
        ticket.PersonId,
        ticket.CompanyId,
        ticket.OccurredAt,
        $"Ticket {ticket.TicketNumber} solved: {ticket.Subject}");

    public static FactReport Of(CampaignResponseRecorded response)
    {
        // Kept as sent, so a response kind campaign adds later is recorded rather than refused.
        var kind = response.Response.Trim().ToLowerInvariant();
        kind = kind.Length > CustomerFact.EventLength ? kind[..CustomerFact.EventLength] : kind;
        return new FactReport(
            FactKind.Campaign,
            kind,
            response.ResponseId,
            response.PersonId,
            response.CompanyId,
            response.OccurredAt,
            $"Campaign {response.CampaignName}: {kind}",
            CampaignId: response.CampaignId,
            CampaignName: response.CampaignName);
    }

    private static string Amount(decimal amount) => Money.Of(amount, "").Amount;

    private static string Currency(string code) =>
        Money.CurrencyCode(code) ?? throw new InvalidOperationException($"'{code}' is not an ISO 4217 currency code.");
}
