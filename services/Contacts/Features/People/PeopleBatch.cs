using System.Text.Json.Serialization;
using CrmCloud.Platform.Api;
using CrmCloud.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.People;

/// <summary>People to create at once; each item has the shape of <c>POST /api/v1/people</c>.</summary>
public sealed record CreatePeopleRequest(IReadOnlyList<CreatePersonRequest?>? Items);

/// <summary>One result per item of the request, in its order.</summary>
public sealed record CreatePeopleResponse(IReadOnlyList<PersonBatchResult> Items);

/// <summary>
/// What became of one item: 201 with <c>id</c> and <c>person</c>, 400 with <c>errors</c> by field, or 409
/// with <c>title</c> and <c>detail</c> when its id is taken.
/// </summary>
public sealed record PersonBatchResult(
    int Index,
    int Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? Id = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PersonResponse? Person = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IDictionary<string, string[]>? Errors = null);

/// <summary>
/// <c>POST /api/v1/people/batch</c>: every item is validated on its own through <see cref="PersonCreation"/>,
/// and the valid ones are stored together, with their events, in one transaction.
/// </summary>
internal static class PeopleBatch
{
    public const int MaxItems = 500;

    /// <summary>How often a save is retried when an id was taken between the check and the insert.</summary>
    private const int MaxSaveAttempts = 3;

    public static async Task<Results<Ok<CreatePeopleResponse>, ValidationProblem>> CreateAsync(
        CreatePeopleRequest request, ContactsDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.Items is not { Count: >= 1 and <= MaxItems } items)
        {
            var errors = new FieldErrors();
            errors.Add("items", $"Between 1 and {MaxItems} people.");
            return ApiProblems.Invalid(errors);
        }

        var creation = new PersonCreation(db, time);
        var results = new PersonBatchResult[items.Count];
        var valid = new List<(int Index, CreatePersonRequest Request, PersonDetails Details)>();
        for (var index = 0; index < items.Count; index++)
        {
            var errors = new FieldErrors();
            if (items[index] is not { } item)
            {
                errors.Add("item", "Each item must be a JSON object.");
            }
            else if (await creation.ValidateAsync(item, errors, cancellationToken) is { } details)
            {
                valid.Add((index, item, details));
                continue;
            }

            results[index] = new PersonBatchResult(index, StatusCodes.Status400BadRequest, Errors: errors.ToDictionary());
        }

        for (var attempt = 1; valid.Count > 0; attempt++)
        {
            var taken = await TakenIdsAsync(db, valid.Select(v => v.Request.Id), cancellationToken);
            var claimed = new HashSet<Guid>();
            var created = new List<(int Index, Person Person)>();
            foreach (var (index, item, details) in valid)
            {
                if (item.Id is { } id && (taken.Contains(id) || !claimed.Add(id)))
                {
                    results[index] = new PersonBatchResult(
                        index, StatusCodes.Status409Conflict, Title: PersonCreation.IdTakenTitle, Detail: PersonCreation.IdTakenDetail(id));
                    continue;
                }

                created.Add((index, creation.Add(item, details)));
            }

            if (created.Count > 0)
            {
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException exception) when (exception.IsUniqueViolation() && attempt < MaxSaveAttempts)
                {
                    // Another request stored one of these ids after the check: check again and leave it out.
                    db.ChangeTracker.Clear();
                    continue;
                }
            }

            foreach (var (index, person) in created)
            {
                results[index] = new PersonBatchResult(index, StatusCodes.Status201Created, person.Id, PersonResponse.From(person));
            }

            break;
        }

        return TypedResults.Ok(new CreatePeopleResponse(results));
    }

    /// <summary>
    /// The supplied ids already stored, in any tenant: ids are unique across tenants, so one the tenant cannot
    /// see is still taken, exactly as for a single create.
    /// </summary>
    public static async Task<HashSet<Guid>> TakenIdsAsync(ContactsDb db, IEnumerable<Guid?> ids, CancellationToken cancellationToken)
    {
        var supplied = ids.OfType<Guid>().Distinct().ToList();
        if (supplied.Count == 0)
        {
            return [];
        }

        var taken = await db.People.IgnoreQueryFilters().AsNoTracking()
            .Where(p => supplied.Contains(p.Id))
            .Select(p => p.Id)
            .ToListAsync(cancellationToken);
        return [.. taken];
    }
}
