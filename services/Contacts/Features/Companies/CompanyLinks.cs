using CrmCloud.Platform.Api;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Companies;

/// <summary>
/// The references to companies that the database does not guard: a person's company and a company's
/// parent must be companies of the caller's tenant (the tenant filter hides every other one, so another
/// tenant's company reads as missing), parents must not loop, and a company still linked to stays.
/// </summary>
public static class CompanyLinks
{
    /// <summary>Deeper chains than this are refused rather than walked.</summary>
    public const int MaxDepth = 32;

    /// <summary>Adds an error naming <paramref name="field"/> unless the company exists in the tenant.</summary>
    public static async Task RequireCompanyAsync(ContactsDb db, string field, Guid companyId, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (!await db.Companies.AnyAsync(c => c.Id == companyId, cancellationToken))
        {
            errors.Add(field, $"There is no company with id {companyId}.");
        }
    }

    /// <summary>
    /// Adds an error naming <c>parentCompanyId</c> unless <paramref name="parentId"/> is a company of the
    /// tenant that does not have <paramref name="companyId"/> among its ancestors (or is it).
    /// </summary>
    public static async Task RequireParentAsync(ContactsDb db, Guid companyId, Guid parentId, FieldErrors errors, CancellationToken cancellationToken)
    {
        const string Field = "parentCompanyId";
        Guid? ancestor = parentId;
        for (var depth = 0; ancestor is { } current; depth++)
        {
            if (current == companyId)
            {
                errors.Add(Field, "A company cannot be its own parent or ancestor.");
                return;
            }

            if (depth == MaxDepth)
            {
                errors.Add(Field, $"A company may have at most {MaxDepth} levels of parents.");
                return;
            }

            var parent = await db.Companies.AsNoTracking()
                .Where(c => c.Id == current)
                .Select(c => new { c.Details.ParentCompanyId })
                .FirstOrDefaultAsync(cancellationToken);
            if (parent is null)
            {
                if (current == parentId)
                {
                    errors.Add(Field, $"There is no company with id {parentId}.");
                }

                return;
            }

            ancestor = parent.ParentCompanyId;
        }
    }

    /// <summary>True while a person or a child company of the tenant names <paramref name="companyId"/>.</summary>
    public static async Task<bool> IsLinkedAsync(ContactsDb db, Guid companyId, CancellationToken cancellationToken) =>
        await db.People.AnyAsync(p => p.Details.CompanyId == companyId, cancellationToken)
        || await db.Companies.AnyAsync(c => c.Details.ParentCompanyId == companyId, cancellationToken);
}
