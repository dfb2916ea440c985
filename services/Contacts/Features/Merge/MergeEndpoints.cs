using CrmCloud.ServiceDefaults.Security;

namespace CrmCloud.Contacts.Features.Merge;

public static class MergeEndpoints
{
    public static RouteGroupBuilder MapMerge(this IEndpointRouteBuilder app)
    {
        var people = app.MapGroup("/api/v1/people").WithTags("People");

        people.MapPost("/{id:guid}/merge", PeopleMerge.MergeAsync)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("MergePeople")
            .WithSummary("Merge duplicates into a person")
            .WithDescription(
                $"Merges 1 to {PeopleMerge.MaxDuplicates} people (duplicateIds) into the person of the path, which survives with its id. "
                + "The survivor keeps every field it has and takes the duplicates' values for the fields it lacks; emails, phones and tags are "
                + "combined (the survivor's primary ones stay primary). The duplicates' activities and consent history move to the survivor; "
                + "per channel the most recent consent decision of any of them stands. The duplicates are removed and ContactsMerged tells the "
                + "other services to re-point their copies. Answers the survivor; an id already merged into this person is accepted again "
                + "without effect. 400 names a duplicate id the tenant does not have; If-Match guards the survivor (412).")
            .Accepts<MergePeopleRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return people;
    }
}
