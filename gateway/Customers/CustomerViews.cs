using System.Text.Json;
using Microsoft.Extensions.Options;

namespace CrmCloud.Gateway.Customers;

/// <summary>
/// Composes a <see cref="CustomerView"/>: every section is asked of its service at once; the company, which only the
/// person names, follows the person. Each section stands alone: one service's trouble costs only its own sections.
/// </summary>
internal sealed class CustomerViews(AreaCalls calls, IOptions<CustomerViewOptions> options, TimeProvider time)
{
    /// <summary>The largest page a list gives (PageQuery.MaxLimit): a person's lists fit in one for all but the busiest customers.</summary>
    private const int PageSize = 200;

    private static readonly string[] OpenTicketStatuses = ["new", "open", "pending", "on-hold"];
    private static readonly string[] UnpaidInvoiceStatuses = ["issued", "partially-paid", "overdue"];

    /// <returns>Null when contacts knows no such person in the caller's tenant.</returns>
    public async Task<CustomerView?> ComposeAsync(Guid personId, string authorization, CancellationToken cancellationToken)
    {
        var recent = options.Value.RecentItems;
        var personAndCompany = PersonAndCompanyAsync(personId, authorization, cancellationToken);
        var opportunities = ListAsync("sales", [$"/api/v1/opportunities?personId={personId}&status=open&limit={PageSize}"], authorization, cancellationToken);
        var orders = ListAsync("sales", [$"/api/v1/orders?personId={personId}&limit={PageSize}"], authorization, cancellationToken);
        var tickets = ListAsync("support", [.. OpenTicketStatuses.Select(status => $"/api/v1/tickets?requesterPersonId={personId}&status={status}&limit={PageSize}")], authorization, cancellationToken);
        var invoices = ListAsync("billing", [.. UnpaidInvoiceStatuses.Select(status => $"/api/v1/invoices?personId={personId}&status={status}&limit={PageSize}")], authorization, cancellationToken);
        var responses = ListAsync("campaign", [$"/api/v1/audience-members/{personId}/responses?limit={PageSize}"], authorization, cancellationToken);
        await Task.WhenAll(personAndCompany, opportunities, orders, tickets, invoices, responses);

        var (person, company, personWarning) = await personAndCompany;
        if (person is null && personWarning is null)
        {
            return null;
        }

        var sections = new[] { await opportunities, await orders, await tickets, await invoices, await responses };
        var warnings = sections.Select(section => section.Warning).Prepend(personWarning).OfType<CustomerViewWarning>()
            .DistinctBy(warning => (warning.Area, warning.Code))
            .ToList();
        return new CustomerView(
            personId,
            person,
            company,
            sections[0].Items,
            Latest(sections[1].Items, recent),
            sections[2].Items?.OrderBy(Id).ToList(),
            sections[3].Items?.OrderBy(Id).ToList(),
            Latest(sections[4].Items, recent),
            warnings,
            time.GetUtcNow());
    }

    private async Task<(JsonElement? Person, JsonElement? Company, CustomerViewWarning? Warning)> PersonAndCompanyAsync(
        Guid personId, string authorization, CancellationToken cancellationToken)
    {
        var person = await calls.GetAsync("contacts", $"/api/v1/people/{personId}", authorization, cancellationToken);
        if (person.Body is not { } found)
        {
            return (null, null, person.Warning);
        }

        if (!found.TryGetProperty("companyId", out var companyId) || companyId.ValueKind != JsonValueKind.String)
        {
            return (found, null, null);
        }

        // A company deleted since the person was last changed is no company: absent, without a warning.
        var company = await calls.GetAsync("contacts", $"/api/v1/companies/{companyId.GetString()}", authorization, cancellationToken);
        return (found, company.Body, company.Warning);
    }

    /// <summary>The items of one page of each list, together; any list's trouble leaves the whole section out.</summary>
    private async Task<(IReadOnlyList<JsonElement>? Items, CustomerViewWarning? Warning)> ListAsync(
        string area, string[] paths, string authorization, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(paths.Select(path => calls.GetAsync(area, path, authorization, cancellationToken)));
        if (answers.FirstOrDefault(answer => answer.Body is null && !answer.NotFound) is { } failed)
        {
            return (null, failed.Warning ?? new CustomerViewWarning(area, WarningCodes.Unavailable, $"The {area} service did not know the list."));
        }

        // A 404 is an area that has not heard of the person (yet): nothing to show, not a failure.
        return ([.. answers.Where(answer => answer.Body is not null).SelectMany(answer => answer.Body!.Value.GetProperty("items").EnumerateArray())], null);
    }

    /// <summary>Lists come in creation order (UUIDv7 ids): the latest are the last, shown newest first.</summary>
    private static List<JsonElement>? Latest(IReadOnlyList<JsonElement>? items, int count) =>
        items is null ? null : [.. items.OrderByDescending(Id).Take(count)];

    private static Guid Id(JsonElement item) => item.GetProperty("id").GetGuid();
}
