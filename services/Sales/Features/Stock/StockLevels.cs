using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Sales.Features.Stock;

/// <summary>
/// The changes orders make to stock, each one conditional UPDATE through the tenant filter. PostgreSQL locks the
/// row and re-checks the condition against the latest committed values, so of two orders racing for the last
/// unit exactly one gets it. Callers run these inside their own transaction, taking products in id order so that
/// two orders never wait on each other's rows.
/// </summary>
public static class StockLevels
{
    /// <returns>False when less than <paramref name="quantity"/> is available; nothing changed then.</returns>
    public static async Task<bool> TryReserveAsync(SalesDb db, Guid productId, decimal quantity, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.StockLevels
            .Where(s => s.Id == productId && s.OnHand - s.Reserved >= quantity)
            .ExecuteUpdateAsync(
                s => s.SetProperty(x => x.Reserved, x => x.Reserved + quantity)
                    .SetProperty(x => x.Version, x => x.Version + 1)
                    .SetProperty(x => x.UpdatedAt, now),
                cancellationToken) == 1;

    /// <summary>Gives back a cancelled order's reservation.</summary>
    public static Task ReleaseAsync(SalesDb db, Guid productId, decimal quantity, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.StockLevels
            .Where(s => s.Id == productId)
            .ExecuteUpdateAsync(
                s => s.SetProperty(x => x.Reserved, x => x.Reserved - quantity)
                    .SetProperty(x => x.Version, x => x.Version + 1)
                    .SetProperty(x => x.UpdatedAt, now),
                cancellationToken);

    /// <summary>A shipped order's goods leave the warehouse: out of on hand and out of reserved, available unchanged.</summary>
    public static Task ShipAsync(SalesDb db, Guid productId, decimal quantity, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.StockLevels
            .Where(s => s.Id == productId)
            .ExecuteUpdateAsync(
                s => s.SetProperty(x => x.OnHand, x => x.OnHand - quantity)
                    .SetProperty(x => x.Reserved, x => x.Reserved - quantity)
                    .SetProperty(x => x.Version, x => x.Version + 1)
                    .SetProperty(x => x.UpdatedAt, now),
                cancellationToken);

    /// <summary>
    /// Sets what is on hand, unless placed orders reserve more than that or (with <paramref name="expectedVersion"/>)
    /// the stock changed since the caller read it.
    /// </summary>
    /// <returns>False when nothing changed: the caller reads the stock again to say why.</returns>
    public static async Task<bool> TrySetOnHandAsync(
        SalesDb db, Guid productId, decimal onHand, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.StockLevels
            .Where(s => s.Id == productId && s.Reserved <= onHand && (expectedVersion == null || s.Version == expectedVersion))
            .ExecuteUpdateAsync(
                s => s.SetProperty(x => x.OnHand, onHand)
                    .SetProperty(x => x.Version, x => x.Version + 1)
                    .SetProperty(x => x.UpdatedAt, now),
                cancellationToken) == 1;
}
