using CrmCloud.Platform.Api;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Profile;

public static class ProfileEndpoints
{
    private const string Figures =
        "lifetimeRevenue (one { amount, currency } per currency, the net totals of orders placed and not cancelled), orderCount, "
        + "firstOrderAt and lastOrderAt of those orders, openTickets (opened and not solved) and lastCampaignResponse "
        + "(response: opened, clicked, replied, converted or unsubscribed; campaignId, campaignName, respondedAt). "
        + "Kept from the facts sales, billing, support and campaign publish, whatever order they arrive in.";

    public static IEndpointRouteBuilder MapCustomerProfiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/people/{id:guid}/profile", PersonProfile)
            .WithTags("Customer profiles")
            .RequireScope(Scopes.Read("contacts"))
            .WithName("GetPersonProfile")
            .WithSummary("Get a person's customer profile")
            .WithDescription(
                $"{Figures} valueScore is the person's RFM score among the tenant's customers (people with an order not cancelled): "
                + "recency, frequency and monetary each 1 to 5 by the fifth of those customers the person falls in (5 the best; equal values score alike; "
                + "monetary ranked within each currency, the best of the person's), and combined, their sum (3 to 15); absent until the person has an order.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/v1/companies/{id:guid}/profile", CompanyProfile)
            .WithTags("Customer profiles")
            .RequireScope(Scopes.Read("contacts"))
            .WithName("GetCompanyProfile")
            .WithSummary("Get a company's customer profile")
            .WithDescription($"The figures of every fact that names the company, whichever of its people it is about: {Figures}")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static async Task<Results<Ok<CustomerProfileResponse>, ProblemHttpResult>> PersonProfile(
        Guid id, ContactsDb db, CancellationToken cancellationToken)
    {
        if (!await db.People.AnyAsync(p => p.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound("person", id);
        }

        var figures = await CustomerProfiles.ReadAsync(db, id, cancellationToken);
        var score = figures.OrderCount > 0 ? await ValueScore.ReadAsync(db, id, cancellationToken) : null;
        return TypedResults.Ok(CustomerProfileResponse.ForPerson(id, figures, score));
    }

    private static async Task<Results<Ok<CustomerProfileResponse>, ProblemHttpResult>> CompanyProfile(
        Guid id, ContactsDb db, CancellationToken cancellationToken)
    {
        if (!await db.Companies.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound("company", id);
        }

        var figures = await CustomerProfiles.ComputeAsync(db, db.CustomerFacts.Where(f => f.CompanyId == id), cancellationToken);
        return TypedResults.Ok(CustomerProfileResponse.ForCompany(id, figures));
    }
}
