using System.Text.Json;
using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Imports;

/// <summary>
/// Applies one chunk of rows to the tenant's people in <paramref name="db"/>: creates through
/// <see cref="PersonCreation"/> (the rules and events of a single create), updates through the rules of a patch,
/// and the dedupe policy on email. Nothing is saved here: the caller commits the chunk with the job's progress.
/// </summary>
internal sealed class ImportChunk(ContactsDb db, TimeProvider time, JsonSerializerOptions json)
{
    private const string EmailField = "email";
    private const string IdField = "id";

    private readonly List<(int Row, string Field, string Message)> _errors = [];

    public IReadOnlyList<(int Row, string Field, string Message)> Errors => _errors;

    public async Task<ImportTally> ApplyAsync(ImportJob job, IReadOnlyList<ImportRow> rows, ImportMapping mapping, CancellationToken cancellationToken)
    {
        int created = 0, updated = 0, skipped = 0, failed = 0;
        var readable = new List<(ImportRow Row, System.Text.Json.Nodes.JsonObject Body, string? Email)>();
        foreach (var row in rows)
        {
            if (row.Problem is not null)
            {
                _errors.Add((row.Number, "row", row.Problem));
                failed++;
                continue;
            }

            var body = mapping.Read(row);
            var email = body[EmailField] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) ? EmailKey(text) : null;
            readable.Add((row, body, email));
        }

        // The people each email already belongs to, oldest first wins; rows of this chunk join them as they are created.
        var byEmail = job.Dedupe == ImportDedupe.Create
            ? []
            : await PeopleByEmailAsync([.. readable.Select(r => r.Email).OfType<string>().Distinct()], cancellationToken);
        var taken = await PeopleBatch.TakenIdsAsync(
            db, readable.Select(r => r.Body[IdField] is System.Text.Json.Nodes.JsonValue id && id.TryGetValue<Guid>(out var guid) ? guid : (Guid?)null), cancellationToken);
        var creation = new PersonCreation(db, time);
        foreach (var (row, body, email) in readable)
        {
            var errors = new FieldErrors();
            if (email is not null && byEmail.TryGetValue(email, out var existing))
            {
                if (job.Dedupe == ImportDedupe.Skip)
                {
                    skipped++;
                }
                else if (await UpdateAsync(existing, body, errors, cancellationToken) is { } changed)
                {
                    updated += changed ? 1 : 0;
                    skipped += changed ? 0 : 1;
                }
                else
                {
                    failed++;
                    Report(row, errors);
                }

                continue;
            }

            if (ImportMapping.ToCreateRequest(body, json, errors) is { } request
                && await creation.ValidateAsync(request, errors, cancellationToken) is { } details)
            {
                if (request.Id is { } id && !taken.Add(id))
                {
                    errors.Add(IdField, PersonCreation.IdTakenDetail(id));
                }
                else
                {
                    var person = creation.Add(request, details);
                    created++;
                    if (job.Dedupe != ImportDedupe.Create && EmailKey(details.Email) is { } key)
                    {
                        byEmail[key] = person;
                    }

                    continue;
                }
            }

            failed++;
            Report(row, errors);
        }

        return new ImportTally(created, updated, skipped, failed, _errors.Count);
    }

    /// <summary>True when the person changed, false when the row says nothing new, null with errors when the row is invalid.</summary>
    private async Task<bool?> UpdateAsync(Person person, System.Text.Json.Nodes.JsonObject body, FieldErrors errors, CancellationToken cancellationToken)
    {
        // The row's id would name the person to create; the person to update is the one with the email.
        body.Remove(IdField);
        var patch = JsonSerializer.SerializeToElement(body, json);
        return await PersonPatch.ApplyAsync(db, person, patch, json, time.GetUtcNow(), errors, cancellationToken);
    }

    private async Task<Dictionary<string, Person>> PeopleByEmailAsync(List<string> emails, CancellationToken cancellationToken)
    {
        if (emails.Count == 0)
        {
            return [];
        }

        var people = await db.People
            .Where(p => p.Details.Email != null && emails.Contains(p.Details.Email.ToLower()))
            .OrderBy(p => p.Id)
            .ToListAsync(cancellationToken);
        var byEmail = new Dictionary<string, Person>(StringComparer.Ordinal);
        foreach (var person in people)
        {
            byEmail.TryAdd(EmailKey(person.Details.Email)!, person);
        }

        return byEmail;
    }

    private void Report(ImportRow row, FieldErrors errors)
    {
        foreach (var (field, messages) in errors.ToDictionary())
        {
            foreach (var message in messages)
            {
                _errors.Add((row.Number, field, message));
            }
        }
    }

    /// <summary>Emails match ignoring case, as the lower(email) index of the Imports migration compares them.</summary>
    private static string? EmailKey(string? email) => string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();
}
