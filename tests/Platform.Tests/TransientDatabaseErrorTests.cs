using CrmCloud.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace CrmCloud.Platform.Tests;

/// <summary>
/// Which failures wait for the database to come back (a consumer's retries, a 503 to an API caller), and which are the
/// work's own fault (parked after the quick retries).
/// </summary>
public sealed class TransientDatabaseErrorTests
{
    [Theory]
    [InlineData("53300", true)] // too many clients
    [InlineData("57P01", true)] // the server is shutting down
    [InlineData("40001", true)] // serialization failure
    [InlineData("23514", false)] // a check constraint: the message itself is wrong
    [InlineData("23505", false)] // a unique violation
    public void A_database_error_wrapped_by_EF_is_judged_by_its_state(string sqlState, bool transient)
    {
        var wrapped = new DbUpdateException("saving failed", new PostgresException("refused", "ERROR", "ERROR", sqlState));

        Assert.Equal(transient, DbErrors.IsTransient(wrapped));
    }

    [Fact]
    public void No_pooled_connection_free_in_time_is_transient()
    {
        var exhausted = new InvalidOperationException("transient failure", new NpgsqlException("The connection pool has been exhausted", new TimeoutException()));

        Assert.True(DbErrors.IsTransient(exhausted));
    }

    [Fact]
    public void An_error_outside_the_database_is_not_waited_for()
    {
        Assert.False(DbErrors.IsTransient(new InvalidOperationException("bad message")));
    }
}
