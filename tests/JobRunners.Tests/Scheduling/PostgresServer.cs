using Npgsql;
using NUnit.Framework;

namespace JobRunners.Tests.Scheduling;

/// <summary>
/// The PostgreSQL server for the multi-host tests: <c>JOBRUNNERS_TEST_POSTGRES</c>, set by <c>./scripts/test.sh</c>,
/// or a local default. Each test works in its own schema, dropped afterwards.
/// </summary>
internal static class PostgresServer
{
    private const string DefaultConnectionString = "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("JOBRUNNERS_TEST_POSTGRES") is { Length: > 0 } value ? value : DefaultConnectionString;

    /// <summary>Fails the calling test when the server cannot be reached.</summary>
    public static async Task EnsureReachableAsync()
    {
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 5 }.ConnectionString);
            await using var connection = await dataSource.OpenConnectionAsync();
        }
        catch (NpgsqlException exception)
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            Assert.Fail(
                $"PostgreSQL is not reachable at {builder.Host}:{builder.Port} ({exception.Message}). " +
                "Run the tests with ./scripts/test.sh, which starts a server and sets JOBRUNNERS_TEST_POSTGRES.");
        }
    }

    public static string NewSchemaName() => "t_" + Guid.NewGuid().ToString("N")[..16];

    public static async Task DropSchemaAsync(string schema)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}
