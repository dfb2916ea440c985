using System.Text.Json;

namespace CrmCloud.Gateway.Customers;

/// <summary>
/// A person and what every service knows about them, as the owning services answered. A section whose service could
/// not answer (down, slow, refusing the caller's scope) is absent, and <see cref="Warnings"/> says why.
/// </summary>
/// <param name="Person">The person, as contacts shows it.</param>
/// <param name="Company">The person's company, when they have one.</param>
/// <param name="OpenOpportunities">The person's open opportunities, oldest first.</param>
/// <param name="RecentOrders">The person's latest orders, newest first.</param>
/// <param name="OpenTickets">The person's unsolved tickets (new, open, pending, on hold) with their SLA due times.</param>
/// <param name="UnpaidInvoices">The person's issued, partially paid and overdue invoices.</param>
/// <param name="RecentCampaignResponses">The person's latest responses to campaigns, newest first.</param>
public sealed record CustomerView(
    Guid PersonId,
    JsonElement? Person,
    JsonElement? Company,
    IReadOnlyList<JsonElement>? OpenOpportunities,
    IReadOnlyList<JsonElement>? RecentOrders,
    IReadOnlyList<JsonElement>? OpenTickets,
    IReadOnlyList<JsonElement>? UnpaidInvoices,
    IReadOnlyList<JsonElement>? RecentCampaignResponses,
    IReadOnlyList<CustomerViewWarning> Warnings,
    DateTimeOffset ComposedAt);

/// <summary>Why a section is missing: its <see cref="Area"/> (the service) and a <see cref="Code"/>.</summary>
/// <param name="Code"><c>unavailable</c> (down or its circuit open), <c>timeout</c> or <c>forbidden</c> (the caller lacks the area's scope).</param>
public sealed record CustomerViewWarning(string Area, string Code, string Detail);

public static class WarningCodes
{
    public const string Unavailable = "unavailable";
    public const string Timeout = "timeout";
    public const string Forbidden = "forbidden";
}
