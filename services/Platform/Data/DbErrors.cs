using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CrmCloud.Platform.Data;

public static class DbErrors
{
    public static bool IsUniqueViolation(this DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>
    /// Npgsql's own judgement (connection lost, no pooled connection free in time, server shutting down, too many clients,
    /// serialization), wherever EF wrapped it: the same work may succeed when tried again.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }
}
