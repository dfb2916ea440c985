using CrmCloud.Contacts.Features.People;
using CrmCloud.Contacts.Features.Privacy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Consent;

/// <summary>A person's consents in their export: the current state per channel and every change to it.</summary>
internal sealed class ConsentExportSection : IPersonExportSection
{
    public string Name => "consents";

    public async Task<object?> ReadAsync(ContactsDb db, Person person, CancellationToken cancellationToken)
    {
        var current = await db.Consents.AsNoTracking().Where(c => c.PersonId == person.Id).ToListAsync(cancellationToken);
        var history = await db.ConsentChanges.AsNoTracking().Where(c => c.PersonId == person.Id).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        return current.Count == 0 && history.Count == 0
            ? null
            : new ExportedConsents(
                [.. current.OrderBy(c => c.Channel).Select(ConsentResponse.From)],
                [.. history.Select(ConsentChangeResponse.From)]);
    }
}

public sealed record ExportedConsents(IReadOnlyList<ConsentResponse> Current, IReadOnlyList<ConsentChangeResponse> History);

public static class ConsentExtensions
{
    /// <summary>What consent adds beyond its endpoints: its section in every person's export.</summary>
    public static IHostApplicationBuilder AddConsent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPersonExportSection<ConsentExportSection>();
        return builder;
    }
}
