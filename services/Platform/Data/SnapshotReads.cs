using System.Data;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Platform.Data;

public static class SnapshotReads
{
    /// <summary>
    /// Streams <paramref name="rows"/> from one snapshot of the database (a repeatable-read transaction), so a long
    /// export is consistent however long its writing takes. <paramref name="prepare"/> runs inside the transaction
    /// first, for settings the query needs (<c>SET LOCAL</c>).
    /// </summary>
    public static async IAsyncEnumerable<T> ReadInSnapshotAsync<T>(
        this DbContext db,
        IQueryable<T> rows,
        Func<CancellationToken, Task>? prepare,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        if (prepare is not null)
        {
            await prepare(cancellationToken);
        }

        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }
}
