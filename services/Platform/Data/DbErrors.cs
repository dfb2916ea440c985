using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CrmCloud.Platform.Data;

public static class DbErrors
{
    public static bool IsUniqueViolation(this DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
