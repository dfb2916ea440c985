using CrmCloud.Platform.Api;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Offers;

/// <summary>
/// A campaign offer as sales honours it. The discount is <c>discountPercent</c> (10 for 10 %) or
/// <c>discountAmount</c> (money) off an order's net total.
/// </summary>
public sealed record OfferResponse(
    Guid CampaignId,
    string CampaignName,
    OfferCodeKind CodeKind,
    string? SharedCode,
    decimal? DiscountPercent,
    Money? DiscountAmount,
    string? Terms,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    bool Withdrawn,
    long Version,
    DateTimeOffset UpdatedAt)
{
    public static OfferResponse From(CampaignOffer offer) => new(
        offer.Id,
        offer.CampaignName,
        offer.CodeKind,
        offer.SharedCode,
        offer.DiscountPercent,
        offer.DiscountAmount is { } amount ? Money.Of(amount, offer.Currency ?? "") : null,
        offer.Terms,
        offer.ValidFrom,
        offer.ValidUntil,
        offer.Withdrawn,
        offer.Version,
        offer.UpdatedAt);
}

public static class OfferEndpoints
{
    public static RouteGroupBuilder MapOffers(this IEndpointRouteBuilder app)
    {
        var offers = app.MapGroup("/api/v1/offers").WithTags("Offers");

        offers.MapGet("/", List)
            .RequireScope(Scopes.Read("sales"))
            .WithName("ListOffers")
            .WithSummary("List the campaign offers sales honours")
            .WithDescription(
                "The offers campaign has published, a page at a time, as orders apply them: an order's offerCode is a recipient's unique code or an offer's shared code. "
                + "?code= keeps the offer a code belongs to (shared or unique, case-insensitive).")
            .ProducesValidationProblem();

        offers.MapGet("/{campaignId:guid}", Get)
            .RequireScope(Scopes.Read("sales"))
            .WithName("GetOffer")
            .WithSummary("Get a campaign's offer")
            .WithDescription("The newest publication of the campaign's offer that sales has received.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return offers;
    }

    private static async Task<Results<Ok<Page<OfferResponse>>, ValidationProblem>> List(
        [AsParameters] PageQuery page, string? code, SalesDb db, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var offers = db.CampaignOffers.AsNoTracking();
        if (code is not null)
        {
            var normalized = OfferCodes.Normalize(code);
            offers = offers.Where(o => o.SharedCode == normalized || db.IssuedOfferCodes.Any(c => c.Code == normalized && c.CampaignId == o.Id));
        }

        return TypedResults.Ok(await page.ReadAsync(offers, OfferResponse.From, cancellationToken));
    }

    private static async Task<Results<Ok<OfferResponse>, ProblemHttpResult>> Get(Guid campaignId, SalesDb db, CancellationToken cancellationToken) =>
        await db.CampaignOffers.AsNoTracking().FirstOrDefaultAsync(o => o.Id == campaignId, cancellationToken) is { } offer
            ? TypedResults.Ok(OfferResponse.From(offer))
            : ApiProblems.NotFound("offer", campaignId);
}
