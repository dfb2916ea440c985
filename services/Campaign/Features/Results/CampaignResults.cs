using CrmCloud.Campaign.Features.Campaigns;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Campaign.Features.Results;

/// <summary>
/// A campaign's results, counted in the database: who was reached, how they responded, and the orders it won.
/// Rates are fractions of the people reached (delivered emails, or the listed people of an sms or phone campaign),
/// rounded half-even to four decimals, and null while nobody was reached. Revenue is kept per currency; the return
/// on cost compares only the revenue in the cost's currency with the cost.
/// </summary>
public static class CampaignResults
{
    /// <summary>The kinds that count as a response: an open alone shows little (images may load unasked).</summary>
    public static readonly string[] ResponseKinds = ["clicked", "replied", "converted"];

    /// <summary>How many campaigns one comparison holds: side by side, more stop being readable.</summary>
    public const int MaxCompared = 20;

    public static void MapCampaignResults(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/campaigns/{id:guid}/results", Get)
            .WithTags("Campaigns")
            .RequireScope(Scopes.Read("campaign"))
            .WithName("GetCampaignResults")
            .WithSummary("Get a campaign's results")
            .WithDescription(
                "audience (recipients at launch), excludedWithoutConsent and excludedWithoutAddress; recipients by delivery state; responses by kind; "
                + "rates of the people reached (delivered, or listed for sms and phone): delivery (of the audience), open, click, response (clicked, replied "
                + "or converted), conversion (people with a counted order) and unsubscribe, as fractions with four decimals; conversions (orders won, "
                + "cancelled ones not counted), revenue (their net totals per currency), cost, and returnOnCost ((revenue − cost) / cost in the cost's currency).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/v1/campaigns/results", Compare)
            .WithTags("Campaigns")
            .RequireScope(Scopes.Read("campaign"))
            .WithName("CompareCampaignResults")
            .WithSummary("Compare campaigns' results side by side")
            .WithDescription(
                $"ids: up to {MaxCompared} campaign ids, comma-separated; the items are each campaign's results (as GetCampaignResults counts them) "
                + "in the order asked. A campaign the tenant does not have answers 404.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<CampaignResultsResponse>, ProblemHttpResult>> Get(Guid id, CampaignDb db, CancellationToken cancellationToken)
    {
        if (await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } campaign)
        {
            return ApiProblems.NotFound("campaign", id);
        }

        return TypedResults.Ok(await CountAsync(db, campaign, cancellationToken));
    }

    private static async Task<Results<Ok<CampaignComparison>, ValidationProblem, ProblemHttpResult>> Compare(string? ids, CampaignDb db, CancellationToken cancellationToken)
    {
        var parts = (ids ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var asked = parts.Select(part => Guid.TryParse(part, out var id) ? id : (Guid?)null).ToList();
        var errors = new FieldErrors();
        if (asked.Count == 0 || asked.Any(id => id is null))
        {
            errors.Add("ids", "Expected campaign ids, comma-separated.");
        }
        else if (asked.Distinct().Count() > MaxCompared)
        {
            errors.Add("ids", $"At most {MaxCompared} campaigns are compared at once.");
        }

        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var wanted = asked.Select(id => id!.Value).Distinct().ToList();
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => wanted.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        if (wanted.Where(id => !campaigns.ContainsKey(id)).ToList() is [var missing, ..])
        {
            return ApiProblems.NotFound("campaign", missing);
        }

        var items = new List<CampaignResultsResponse>();
        foreach (var id in wanted)
        {
            items.Add(await CountAsync(db, campaigns[id], cancellationToken));
        }

        return TypedResults.Ok(new CampaignComparison(items));
    }

    private static async Task<CampaignResultsResponse> CountAsync(CampaignDb db, MarketingCampaign campaign, CancellationToken cancellationToken)
    {
        var id = campaign.Id;
        var states = await db.Recipients.Where(r => r.CampaignId == id).GroupBy(r => r.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Status, g => g.Count, cancellationToken);
        var kinds = await db.Responses.Where(r => r.CampaignId == id).GroupBy(r => r.Kind)
            .Select(g => new { Kind = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Kind, g => g.Count, cancellationToken);
        var responded = await db.Responses.Where(r => r.CampaignId == id && ResponseKinds.Contains(r.Kind)).Select(r => r.RecipientId).Distinct().CountAsync(cancellationToken);
        var conversions = db.Conversions.Where(c => c.CampaignId == id && !c.Cancelled);
        var orders = await conversions.CountAsync(cancellationToken);
        var converted = await conversions.Select(c => c.PersonId).Distinct().CountAsync(cancellationToken);
        var revenue = await conversions.GroupBy(c => c.Currency).Select(g => new { Currency = g.Key, Amount = g.Sum(c => c.Revenue) })
            .OrderBy(g => g.Currency).ToListAsync(cancellationToken);

        int State(string status) => states.GetValueOrDefault(status);
        int Kind(string kind) => kinds.GetValueOrDefault(kind);
        var reached = State("delivered") + State("listed");
        decimal? Rate(int count, int of) => of == 0 ? null : Math.Round((decimal)count / of, 4, MidpointRounding.ToEven);

        var cost = campaign.Details.Cost;
        decimal? returnOnCost = null;
        if (cost is not null && decimal.Parse(cost.Amount, System.Globalization.CultureInfo.InvariantCulture) is var spent && spent > 0)
        {
            var earned = revenue.FirstOrDefault(r => r.Currency == cost.Currency)?.Amount ?? 0m;
            returnOnCost = Math.Round((earned - spent) / spent, 4, MidpointRounding.ToEven);
        }

        return new CampaignResultsResponse(
            id,
            campaign.Details.Name,
            WireNames<CampaignStatus>.Of(campaign.Status),
            campaign.AudienceCount,
            campaign.ExcludedWithoutConsent,
            campaign.ExcludedWithoutAddress,
            new DeliveryCounts(State("pending") + State("sending"), State("delivered"), State("failed"), State("listed"), State("cancelled")),
            new ResponseCounts(Kind("opened"), Kind("clicked"), Kind("replied"), Kind("converted"), Kind("unsubscribed"), responded),
            new ResultRates(
                Rate(reached, campaign.AudienceCount),
                Rate(Kind("opened"), reached),
                Rate(Kind("clicked"), reached),
                Rate(responded, reached),
                Rate(converted, reached),
                Rate(Kind("unsubscribed"), reached)),
            orders,
            [.. revenue.Select(r => Money.Of(Currencies.Round(r.Amount, r.Currency), r.Currency))],
            cost,
            returnOnCost);
    }
}

public sealed record CampaignResultsResponse(
    Guid CampaignId,
    string Name,
    string Status,
    int Audience,
    int ExcludedWithoutConsent,
    int ExcludedWithoutAddress,
    DeliveryCounts Recipients,
    ResponseCounts Responses,
    ResultRates Rates,
    int Conversions,
    IReadOnlyList<Money> Revenue,
    Money? Cost,
    decimal? ReturnOnCost);

/// <summary>Campaigns' results side by side, in the order asked.</summary>
public sealed record CampaignComparison(IReadOnlyList<CampaignResultsResponse> Items);

public sealed record DeliveryCounts(int Pending, int Delivered, int Failed, int Listed, int Cancelled);

/// <summary>Recipients with each kind of response; <see cref="Responded"/> those who clicked, replied or converted.</summary>
public sealed record ResponseCounts(int Opened, int Clicked, int Replied, int Converted, int Unsubscribed, int Responded);

public sealed record ResultRates(decimal? Delivery, decimal? Open, decimal? Click, decimal? Response, decimal? Conversion, decimal? Unsubscribe);
