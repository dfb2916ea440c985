using Npgsql;

namespace CrmCloud.AppHost.Hosting;

/// <summary>Databases on any PostgreSQL server reached with an admin connection string, local or not.</summary>
public static class PostgresDatabases
{
    /// <summary>The admin connection string pointed at <paramref name="database"/>.</summary>
    public static string ConnectionStringFor(string adminConnectionString, string database) =>
        new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;

    /// <summary>Creates <paramref name="database"/> unless it exists.</summary>
    /// <returns>Whether it was created.</returns>
    public static async Task<bool> EnsureCreatedAsync(string adminConnectionString, string database, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(adminConnectionString, cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = database });
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return false;
        }

        try
        {
            await ExecuteAsync(connection, $"CREATE DATABASE {QuoteIdentifier(database)}", cancellationToken);
            return true;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            return false;
        }
    }

    /// <summary>Drops <paramref name="database"/> if it exists, closing its connections.</summary>
    public static async Task DropAsync(string adminConnectionString, string database, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(adminConnectionString, cancellationToken);
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {QuoteIdentifier(database)} WITH (FORCE)", cancellationToken);
    }

    /// <summary>Whether a connection opens and answers (a readiness probe: null when ready).</summary>
    internal static async Task<string?> ProbeAsync(string adminConnectionString, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(adminConnectionString, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
        return null;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        // No pool: these are one-off admin connections, and a pooled one would outlive a server stopped in a test.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        // Identifiers cannot be parameters; QuoteIdentifier makes them safe.
#pragma warning disable CA2100
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string QuoteIdentifier(string name) => '"' + name.Replace("\"", "\"\"", StringComparison.Ordinal) + '"';
}
