using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrmCloud.Platform.Data;

/// <summary>Ready only while the service's own database answers.</summary>
internal sealed class DatabaseHealthCheck<TDb>(TDb db) : IHealthCheck
    where TDb : ServiceDb
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
