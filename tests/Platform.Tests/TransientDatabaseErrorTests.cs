using CrmCloud.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace CrmCloud.Platform.Tests;

/// <summary>Which consumer failures wait for the database to come back, and which are parked after the quick retries.</summary>
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

        Assert.Equal(transient, MessagingExtensions.IsTransientDatabaseError(wrapped));
    }

    [Fact]
    public void An_error_outside_the_database_is_not_waited_for()
    {
        Assert.False(MessagingExtensions.IsTransientDatabaseError(new InvalidOperationException("bad message")));
    }
}
