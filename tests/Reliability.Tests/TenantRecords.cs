using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CrmCloud.TestInfrastructure;

namespace CrmCloud.Reliability.Tests;

/// <summary>
/// One record of every resource a tenant can create, made through the gateway in an order where each finds the records
/// it names (<c>{people}</c> in a body is the id of the person made before it). The document carries no examples and
/// its schemas call every field required, so valid bodies come from this table, kept as small as the services accept.
/// Copies that other services keep of a person (customers, requesters, audience members, billing accounts) are waited for.
/// </summary>
public sealed class TenantRecords
{
    /// <summary>Secrets shown once at creation in this run: the secrets sweep looks for every one of them in the logs.</summary>
    public static readonly ConcurrentBag<string> CreatedSecrets = [];

    /// <summary>A webhook subscription, made where the document has webhooks.</summary>
    public static readonly JsonObject Webhook = new() { ["url"] = "https://hooks.example.com/crm", ["eventTypes"] = new JsonArray("contact.created") };

    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(60);

    private static readonly (string Method, string Path, string Body)[] Creations =
    [
        ("POST", "/api/v1/people", """{ "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com" }"""),
        ("POST", "/api/v1/companies", """{ "name": "Analytical Engines" }"""),
        ("POST", "/api/v1/activities", """{ "type": "note", "subject": "Met at the fair", "personId": "{people}" }"""),
        ("POST", "/api/v1/custom-fields", """{ "entity": "person", "key": "shoeSize", "label": "Shoe size", "type": "number" }"""),
        ("POST", "/api/v1/products", """{ "sku": "WID-1", "name": "Widget" }"""),
        ("PUT", "/api/v1/products/{products}/stock", """{ "onHand": 100 }"""),
        ("POST", "/api/v1/price-lists", """{ "name": "Current", "currency": "EUR", "validFrom": "2021-01-01", "prices": [{ "productId": "{products}", "tiers": [{ "minQuantity": 1, "unitPrice": "2.00" }] }], "taxRates": [{ "taxCategory": "standard", "rate": "0.19" }] }"""),
        ("POST", "/api/v1/pipelines", """{ "name": "Enterprise", "stages": [{ "name": "Lead in", "probability": 5 }, { "name": "Demo", "probability": 40 }] }"""),
        ("POST", "/api/v1/opportunities", """{ "name": "Renewal", "personId": "{people}", "amount": { "amount": "100.00", "currency": "EUR" } }"""),
        ("POST", "/api/v1/leads", """{ "lastName": "Jackson", "email": "mary@jackson.example", "source": "partner" }"""),
        ("POST", "/api/v1/lead-forms", """{ "name": "Demo request" }"""),
        ("POST", "/api/v1/quotes", """{ "opportunityId": "{opportunities}", "terms": "Net 30", "lines": [{ "productId": "{products}", "quantity": 1 }] }"""),
        ("POST", "/api/v1/orders", """{ "personId": "{people}", "currency": "EUR", "lines": [{ "productId": "{products}", "quantity": 1 }] }"""),
        ("POST", "/api/v1/segments", """{ "name": "Customers", "criteria": { "all": [{ "field": "lifecycleStage", "operator": "in", "values": ["customer"] }] } }"""),
        ("POST", "/api/v1/campaigns", """{ "name": "Text blast", "channel": "sms", "segmentId": "{segments}" }"""),
        ("POST", "/api/v1/tickets", """{ "subject": "Broken screen", "requesterEmail": "ada@example.com", "priority": "high" }"""),
        ("POST", "/api/v1/business-calendars", """{ "name": "Berlin", "timeZone": "Europe/Berlin", "workingHours": [{ "day": "monday", "start": "09:00", "end": "17:00" }] }"""),
        ("POST", "/api/v1/sla-policies", """{ "name": "Around the clock", "targets": [{ "priority": "urgent", "firstResponseMinutes": 60, "resolutionMinutes": 240 }] }"""),
        ("POST", "/api/v1/service-contracts", $$"""{ "name": "Gold", "companyId": "{companies}", "tier": "gold", "validFrom": "{{DateTime.UtcNow.AddYears(-1):yyyy-MM-dd}}", "validUntil": "{{DateTime.UtcNow.AddYears(1):yyyy-MM-dd}}" }"""),
        ("POST", "/api/v1/kb-articles", """{ "title": "Reset a password", "body": "Open the settings.", "category": "how-to", "status": "published" }"""),
        ("POST", "/api/v1/canned-responses", """{ "title": "Ack", "body": "Hello {{requester.firstName}}" }"""),
        ("POST", "/api/v1/assets", """{ "product": "Boiler X200", "serialNumber": "SN-1", "personId": "{people}" }"""),
        ("POST", "/api/v1/tax-rates", """{ "name": "VAT", "rate": 0.19, "country": "de" }"""),
        ("POST", "/api/v1/invoices", """{ "billingAccountId": "{billing-accounts}", "currency": "EUR", "lines": [{ "description": "Tea", "quantity": 1, "unitPrice": "30.00" }] }"""),
        ("POST", "/api/v1/payments", """{ "billingAccountId": "{billing-accounts}", "amount": "25.00" }"""),
        // It starts next year: the billing scheduler would otherwise issue its first invoice (and apply the payment
        // to it) whenever its next pass comes, changing both records under the sweeps that compare them.
        ("POST", "/api/v1/subscriptions", $$"""{ "billingAccountId": "{billing-accounts}", "plan": { "name": "Pro", "price": "9.99", "interval": "month" }, "startsOn": "{{DateTime.UtcNow.AddYears(1):yyyy-MM-dd}}" }"""),
        ("POST", "/api/v1/api-keys", """{ "name": "Webshop sync", "scopes": ["contacts:read"] }"""),
        ("POST", "/api/v1/webhooks", Webhook.ToJsonString()),
    ];

    /// <summary>The copies of the person other services keep, found by the person's id.</summary>
    private static readonly string[] PersonCopies = ["customers", "requesters", "audience-members", "billing-accounts"];

    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);

    private TenantRecords()
    {
    }

    /// <summary>The id of the tenant's record of <paramref name="resource"/> (<c>people</c>, <c>billing-accounts</c>), if it has one.</summary>
    public string? IdOf(string resource) => _ids.GetValueOrDefault(resource);

    public IReadOnlyCollection<string> Ids => _ids.Values;

    /// <summary>
    /// The tenant's value for a path parameter: <c>{id}</c> is the record of the resource before it, <c>{personId}</c>
    /// a person, <c>{channel}</c> a consent channel; null when the tenant has no such record (or the parameter is a public key).
    /// </summary>
    public string? ValueFor(Operation operation, Parameter parameter)
    {
        if (parameter.Name == "id")
        {
            var segments = operation.Template.Split('/');
            return IdOf(segments[Array.IndexOf(segments, "{id}") - 1]);
        }

        return parameter.Name == "channel" ? "email" : IdNamed(parameter.Name);
    }

    /// <summary>The tenant's record an id field names by its name: personId a person, billingAccountId a billing account.</summary>
    public string? IdNamed(string name)
    {
        if (!name.EndsWith("Id", StringComparison.Ordinal) || name.Length <= 2)
        {
            return null;
        }

        var kebab = string.Concat(name[..^2].Select((character, index) =>
            char.IsUpper(character) && index > 0 ? $"-{char.ToLowerInvariant(character)}" : char.ToLowerInvariant(character).ToString()));
        string[] plurals = [kebab == "person" ? "people" : $"{kebab}s", $"{kebab}es", kebab.EndsWith('y') ? $"{kebab[..^1]}ies" : kebab];
        return plurals.Select(IdOf).FirstOrDefault(id => id is not null);
    }

    /// <summary>The resources that <see cref="Creations"/> could not make, with the answer: a body the table must catch up with.</summary>
    public List<string> Refused { get; } = [];

    public static async Task<TenantRecords> CreateAsync(HttpClient client, ApiDocument document, CancellationToken cancellationToken)
    {
        var records = new TenantRecords();
        var offered = document.Operations.Select(operation => operation.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (method, path, body) in Creations)
        {
            var template = System.Text.RegularExpressions.Regex.Replace(path, "{[a-z-]+}", "{id}");
            if (!offered.Contains($"{method} {template}"))
            {
                continue;
            }

            if (body.Contains("{billing-accounts}", StringComparison.Ordinal) && records.IdOf("billing-accounts") is null)
            {
                await records.FindCopiesAsync(client, cancellationToken);
            }

            using var request = new HttpRequestMessage(new HttpMethod(method), records.Substitute(path))
            {
                Content = new StringContent(records.Substitute(body), Encoding.UTF8, "application/json"),
            };
            using var response = await client.SendAsync(request, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                records.Refused.Add($"{method} {path}: {(int)response.StatusCode} {answer}");
                continue;
            }

            if (response.StatusCode == HttpStatusCode.Created && JsonNode.Parse(answer) is JsonObject created)
            {
                records._ids[path.Split('/')[^1]] = created["id"]!.GetValue<string>();
                foreach (var secret in SecretsIn(created))
                {
                    CreatedSecrets.Add(secret);
                }
            }
        }

        await records.FindCopiesAsync(client, cancellationToken);
        return records;
    }

    /// <summary>The members of a created resource that are secrets (<c>secret</c>, <c>signingSecret</c>): shown this once.</summary>
    public static IEnumerable<string> SecretsIn(JsonObject resource) =>
        resource.Where(member => member.Key.Contains("secret", StringComparison.OrdinalIgnoreCase) && member.Value is JsonValue)
            .Select(member => member.Value!.ToString())
            .Where(secret => secret.Length > 0);

    private string Substitute(string text) =>
        _ids.Aggregate(text, (current, id) => current.Replace($"{{{id.Key}}}", id.Value, StringComparison.Ordinal));

    private async Task FindCopiesAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var person = IdOf("people") ?? throw new InvalidOperationException($"No person was created: {string.Join("; ", Refused)}");
        foreach (var copy in PersonCopies.Where(copy => IdOf(copy) is null))
        {
            _ids[copy] = await Eventually.Until(
                async () =>
                {
                    var page = JsonNode.Parse(await client.GetStringAsync($"/api/v1/{copy}?personId={person}", cancellationToken));
                    return page?["items"]?.AsArray().FirstOrDefault()?["id"]?.GetValue<string>();
                },
                Propagation,
                $"the person's copy in {copy}");
        }
    }
}
