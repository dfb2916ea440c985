using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Platform.Contacts;

public static class ContactCopyEndpoints
{
    /// <summary>
    /// <c>GET {path}?personId=&amp;limit=&amp;cursor=</c>: a service's copies of people, deleted ones left out.
    /// </summary>
    public static RouteGroupBuilder MapContactCopies<TDb, TCopy, TResponse>(
        this IEndpointRouteBuilder app, string path, string area, string tag, Func<TCopy, TResponse> toResponse)
        where TDb : ServiceDb
        where TCopy : ContactCopy
    {
        var copies = app.MapGroup(path).WithTags(tag);
        // Passed as a Delegate: the route analyzer cannot read handlers over generic types.
        Delegate list = List;
        copies.MapGet("/", list)
            .RequireScope(Scopes.Read(area))
            .WithName($"List{tag.Replace(" ", "", StringComparison.Ordinal)}")
            .WithSummary($"List {tag.ToLowerInvariant()}")
            .WithDescription($"{tag} kept in step with contacts by event; filter by personId, page with cursor.");
        return copies;

        async Task<Results<Ok<Page<TResponse>>, ValidationProblem>> List(
            [AsParameters] PageQuery page, Guid? personId, TDb db, CancellationToken cancellationToken)
        {
            if (page.Validate() is { Count: > 0 } errors)
            {
                return ApiProblems.Invalid(errors);
            }

            var query = db.Set<TCopy>().AsNoTracking().Where(copy => !copy.IsDeleted);
            if (personId is { } person)
            {
                query = query.Where(copy => copy.PersonId == person);
            }

            return TypedResults.Ok(await page.ReadAsync(query, toResponse, cancellationToken));
        }
    }
}
