using CrmCloud.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Platform.Data;

/// <summary>Applies the service's checked-in EF Core migrations: the orchestrator's explicit migrate step.</summary>
internal sealed class DatabaseMigration<TDb>(TDb db) : IMigrationStep
    where TDb : ServiceDb
{
    public Task MigrateAsync(CancellationToken cancellationToken) => db.Database.MigrateAsync(cancellationToken);
}
