using CrmCloud.Contacts.Features.Companies;
using CrmCloud.Contacts.Features.People;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Capture;

/// <summary>
/// A person (and company) captured by another service: a converted lead in sales, an unknown ticket requester in
/// support. <see cref="ProposedPersonId"/> and <see cref="ProposedCompanyId"/> are the ids to create them with when
/// contacts knows neither.
/// </summary>
public sealed record CapturedContact(
    string SourceKind,
    Guid SourceId,
    Guid ProposedPersonId,
    Guid? ProposedCompanyId,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? CompanyName,
    string? Source,
    string? OwnerId,
    DateTimeOffset OccurredAt);

/// <summary>
/// Resolves a captured contact to the tenant's person and company: the person with the proposed id (a redelivery),
/// else the person with the email among any of their addresses, else a new person made the way every person is made
/// (<see cref="PersonCreation"/>, so ContactCreated goes out); the company likewise by id, then by name ignoring case.
/// A person without a company is linked to the company named. Adds <see cref="ContactLinked"/> to the outbox; the
/// caller saves within its inbox transaction.
/// </summary>
internal sealed class ContactCapture(ContactsDb db, TimeProvider time)
{
    public async Task LinkAsync(CapturedContact captured, CancellationToken cancellationToken)
    {
        var (company, companyCreated) = await ResolveCompanyAsync(captured, cancellationToken);
        var (person, personCreated) = await ResolvePersonAsync(captured, company?.Id, cancellationToken);
        if (!personCreated && company is not null && person.Details.CompanyId is null)
        {
            person.Change(person.Details with { CompanyId = company.Id }, time.GetUtcNow());
            db.Publish(person.Updated());
        }

        db.Publish(new ContactLinked(
            db.Tenant.TenantId, captured.SourceKind, captured.SourceId, person.Id, company?.Id, personCreated, companyCreated, time.GetUtcNow()));
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1862", Justification = "EF Core translates ToLower to lower(); StringComparison does not translate.")]
    private async Task<(Company? Company, bool Created)> ResolveCompanyAsync(CapturedContact captured, CancellationToken cancellationToken)
    {
        if (captured.CompanyName is not { Length: > 0 } name)
        {
            return (null, false);
        }

        var proposed = captured.ProposedCompanyId ?? Guid.Empty;
        var lowered = name.Trim().ToLowerInvariant();
        var existing = await db.Companies.FirstOrDefaultAsync(c => c.Id == proposed, cancellationToken)
            ?? await db.Companies.Where(c => c.Details.Name.ToLower() == lowered).OrderBy(c => c.Id).FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            return (existing, false);
        }

        var errors = new FieldErrors();
        var request = new CreateCompanyRequest(captured.ProposedCompanyId, name, null, null, null, null, null, null, null, captured.OwnerId, null);
        var details = request.Validate(errors) ?? throw new InvalidOperationException($"The captured company is not valid: {string.Join("; ", errors.ToDictionary().Keys)}.");
        var company = Company.Create(db.Tenant.TenantId, captured.ProposedCompanyId ?? Platform.Data.Ids.New(), details, time.GetUtcNow());
        db.Companies.Add(company);
        db.Publish(company.Created());
        // Saved now (inside the caller's transaction), so the person's check that its company exists finds it.
        await db.SaveChangesAsync(cancellationToken);
        return (company, true);
    }

    private async Task<(Person Person, bool Created)> ResolvePersonAsync(CapturedContact captured, Guid? companyId, CancellationToken cancellationToken)
    {
        var existing = await db.People.FirstOrDefaultAsync(p => p.Id == captured.ProposedPersonId, cancellationToken);
        if (existing is null && captured.Email is { Length: > 0 } email)
        {
            var lowered = email.Trim().ToLowerInvariant();
            // Any of the person's addresses, which only SQL reaches inside the jsonb list; the ids compose into a tenant-filtered query.
            var withEmail = db.Database.SqlQuery<Guid>(
                $"SELECT id AS \"Value\" FROM people WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(emails) AS e WHERE lower(e->>'address') = {lowered})");
            existing = await db.People.Where(p => withEmail.Contains(p.Id)).OrderBy(p => p.Id).FirstOrDefaultAsync(cancellationToken);
        }

        if (existing is not null)
        {
            return (existing, false);
        }

        var (firstName, lastName) = Names(captured);
        var request = new CreatePersonRequest(
            captured.ProposedPersonId, firstName, lastName, captured.Email, captured.Phone, null, companyId, Source: captured.Source, OwnerId: captured.OwnerId);
        var creation = new PersonCreation(db, time);
        var errors = new FieldErrors();
        // The tenant's required custom fields cannot be known to the service that captured the person: a captured
        // person is kept without them rather than lost, as the fields' own rules are checked at the next edit.
        var details = await creation.ValidateAsync(request, errors, cancellationToken)
            ?? request.Validate(errors = new FieldErrors(), DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
            ?? throw new InvalidOperationException($"The captured person is not valid: {string.Join("; ", errors.ToDictionary().Keys)}.");
        return (creation.Add(request, details), true);
    }

    /// <summary>A person needs a last name: the captured one, else the only name given, else the email's local part.</summary>
    private static (string? FirstName, string LastName) Names(CapturedContact captured)
    {
        var first = captured.FirstName?.Trim() is { Length: > 0 } f ? f[..Math.Min(f.Length, PersonRequests.NameLength)] : null;
        var last = captured.LastName?.Trim() is { Length: > 0 } l ? l[..Math.Min(l.Length, PersonRequests.NameLength)] : null;
        if (last is not null)
        {
            return (first, last);
        }

        if (first is not null)
        {
            return (null, first);
        }

        var local = captured.Email?.Split('@')[0] is { Length: > 0 } part ? part : "Unknown";
        return (null, local[..Math.Min(local.Length, PersonRequests.NameLength)]);
    }
}
