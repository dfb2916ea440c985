using CrmCloud.Contacts.Features.People;
using CrmCloud.Contacts.Features.Privacy;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Activities;

/// <summary>A person's activities in their export, newest first as on their timeline.</summary>
internal sealed class ActivityExportSection : IPersonExportSection
{
    public string Name => "activities";

    public async Task<object?> ReadAsync(ContactsDb db, Person person, CancellationToken cancellationToken)
    {
        var activities = await db.Activities.AsNoTracking()
            .Where(a => a.PersonId == person.Id)
            .OrderByDescending(a => a.Details.OccurredAt)
            .ThenByDescending(a => a.Id)
            .ToListAsync(cancellationToken);
        return activities.Count == 0 ? null : activities.Select(ActivityResponse.From).ToList();
    }
}

public static class ActivityExtensions
{
    /// <summary>What activities add beyond their endpoints: their section in every person's export.</summary>
    public static IHostApplicationBuilder AddActivities(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPersonExportSection<ActivityExportSection>();
        return builder;
    }
}
