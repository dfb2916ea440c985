using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Pipelines;

/// <summary>The tenant's default pipeline, created with standard stages the first time it is needed.</summary>
public static class DefaultPipeline
{
    public static async Task<Pipeline> GetOrCreateAsync(SalesDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Details.IsDefault, cancellationToken) is { } existing)
        {
            return existing;
        }

        var created = Pipeline.Create(db.Tenant.TenantId, Ids.New(), PipelineRequests.StandardDefault(), time.GetUtcNow());
        db.Pipelines.Add(created);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return created;
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            // Another request created the default first: use that one.
            db.Entry(created).State = EntityState.Detached;
            return await db.Pipelines.AsNoTracking().FirstAsync(p => p.Details.IsDefault, cancellationToken);
        }
    }
}
