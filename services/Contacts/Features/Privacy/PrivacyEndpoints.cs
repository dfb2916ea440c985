using CrmCloud.Platform.Api;
using CrmCloud.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Privacy;

public static class PrivacyEndpoints
{
    private const string Resource = "person";

    public static RouteGroupBuilder MapPrivacy(this IEndpointRouteBuilder app)
    {
        var people = app.MapGroup("/api/v1/people").WithTags("Privacy");

        people.MapGet("/{id:guid}/export", Export)
            .RequireScope(Scopes.Read("contacts"))
            .WithName("ExportPerson")
            .WithSummary("Export everything held about a person")
            .WithDescription(
                "A JSON document with exportedAt and one property per section: person (every field, as GetPerson returns it) and "
                + "company (id and name of the company the person works for; absent when there is none). Further sections may be added; "
                + "existing ones keep their shape.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        people.MapPost("/{id:guid}/erase", Erase)
            .RequireScope(Scopes.Write("contacts"))
            .WithName("ErasePerson")
            .WithSummary("Erase a person everywhere (irreversible)")
            .WithDescription(
                "Irreversible: deletes the person and everything contacts keeps about them, including the events already sent that "
                + "carried their details, and publishes ContactErased, on which every other service drops the personal data of its copy. "
                + "204 once erased here; the other services follow within moments. Export first if the data is wanted.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return people;
    }

    private static async Task<Results<Ok<PersonExport>, ProblemHttpResult>> Export(
        Guid id, ContactsDb db, IEnumerable<IPersonExportSection> sections, TimeProvider time, CancellationToken cancellationToken)
    {
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (person is null)
        {
            return ApiProblems.NotFound(Resource, id);
        }

        return TypedResults.Ok(await PersonExport.ReadAsync(db, person, sections, time.GetUtcNow(), cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Erase(
        Guid id, ContactsDb db, TimeProvider time, CancellationToken cancellationToken) =>
        await PersonErasure.EraseAsync(db, id, time.GetUtcNow(), cancellationToken)
            ? TypedResults.NoContent()
            : ApiProblems.NotFound(Resource, id);
}
