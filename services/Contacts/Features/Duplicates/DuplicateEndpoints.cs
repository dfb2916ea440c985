using System.Globalization;
using CrmCloud.Platform.Api;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Duplicates;

public static class DuplicateEndpoints
{
    public static IEndpointConventionBuilder MapDuplicates(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/people/{id:guid}/duplicates", Get)
            .WithTags("People")
            .RequireScope(Scopes.Read("contacts"))
            .WithName("GetPersonDuplicates")
            .WithSummary("Find likely duplicates of a person")
            .WithDescription(string.Create(
                CultureInfo.InvariantCulture,
                $"Other people of the tenant who are likely the same person, strongest first (ties by id), at most "
                + $"{DuplicateSearch.MaxResults}. Rules: the same email ignoring case (reason \"{DuplicateSearch.SameEmail}\", score 1.0); "
                + $"the same phone digits, ignoring formatting, at least {DuplicateSearch.MinPhoneDigits} of them (\"{DuplicateSearch.SamePhone}\", 0.9); "
                + $"a similar \"first last\" name (trigram similarity at least {DuplicateSearch.NameThreshold}) at the same company "
                + $"(\"{DuplicateSearch.SimilarNameSameCompany}\", the similarity times 0.8). "
                + $"A person matching several rules appears once, with all its reasons and the highest score. Nothing is changed."))
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<DuplicatesResponse>, ProblemHttpResult>> Get(
        Guid id, ContactsDb db, CancellationToken cancellationToken)
    {
        // The tenant filter hides another tenant's person, so it reads as missing.
        if (!await db.People.AnyAsync(p => p.Id == id, cancellationToken))
        {
            return ApiProblems.NotFound("person", id);
        }

        return TypedResults.Ok(await DuplicateSearch.ReadAsync(db, id, cancellationToken));
    }
}
