using CrmCloud.Contacts.Features.People;
using CrmCloud.Contacts.Features.Privacy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Profile;

public static class ProfileExtensions
{
    /// <summary>
    /// What profiles add beyond their endpoints: the recording of facts (the consumers are found by MassTransit with
    /// the service's others) and the person's profile and facts in their export.
    /// </summary>
    public static IHostApplicationBuilder AddCustomerProfiles(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<CustomerFacts>();
        builder.Services.AddPersonExportSection<ProfileExportSection>();
        builder.Services.AddPersonExportSection<FactsExportSection>();
        return builder;
    }
}

/// <summary>The person's customer profile, when their facts add up to one.</summary>
internal sealed class ProfileExportSection : IPersonExportSection
{
    public string Name => "customerProfile";

    public async Task<object?> ReadAsync(ContactsDb db, Person person, CancellationToken cancellationToken)
    {
        var figures = await CustomerProfiles.ReadAsync(db, person.Id, cancellationToken);
        if (figures.IsEmpty)
        {
            return null;
        }

        var score = figures.OrderCount > 0 ? await ValueScore.ReadAsync(db, person.Id, cancellationToken) : null;
        return CustomerProfileResponse.ForPerson(person.Id, figures, score);
    }
}

/// <summary>Every fact other services published about the person, newest first as on their timeline.</summary>
internal sealed class FactsExportSection : IPersonExportSection
{
    public string Name => "customerFacts";

    public async Task<object?> ReadAsync(ContactsDb db, Person person, CancellationToken cancellationToken)
    {
        var facts = await db.CustomerFacts.AsNoTracking()
            .Where(f => f.PersonId == person.Id)
            .OrderByDescending(f => f.OccurredAt)
            .ThenByDescending(f => f.Id)
            .ToListAsync(cancellationToken);
        return facts.Count == 0 ? null : facts.Select(CustomerFactResponse.From).ToList();
    }
}
