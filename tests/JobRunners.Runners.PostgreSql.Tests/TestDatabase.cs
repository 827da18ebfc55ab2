using Dapper;
using Npgsql;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>
/// The PostgreSQL server the tests run against: <c>JOBRUNNERS_TEST_POSTGRES</c>, set by <c>./scripts/test.sh</c>,
/// or the local default. Every test host works in a fresh schema, dropped after the test.
/// </summary>
internal static class TestDatabase
{
    private const string DefaultConnectionString = "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres";

    private static readonly Lazy<Task<NpgsqlDataSource>> Shared = new(ConnectAsync);

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("JOBRUNNERS_TEST_POSTGRES") is { Length: > 0 } value ? value : DefaultConnectionString;

    public static string NewSchemaName() => "pgr_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A pool for the tests' own queries; fails the calling test when the server cannot be reached.</summary>
    public static async Task<NpgsqlDataSource> GetDataSourceAsync()
    {
        try
        {
            return await Shared.Value;
        }
        catch (NpgsqlException exception)
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            Assert.Fail(
                $"PostgreSQL is not reachable at {builder.Host}:{builder.Port} ({exception.Message}). " +
                "Run the tests with ./scripts/test.sh, which starts a server and sets JOBRUNNERS_TEST_POSTGRES " +
                "(or start one with `scripts/services.sh start postgres`).");
            throw;
        }
    }

    public static async Task<T> QuerySingleAsync<T>(string sql, object? parameters = null)
    {
        var dataSource = await GetDataSourceAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<T>(sql, parameters);
    }

    public static async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        var dataSource = await GetDataSourceAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    public static async Task ExecuteAsync(string sql, object? parameters = null)
    {
        var dataSource = await GetDataSourceAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    public static async Task DropSchemaAsync(string schema)
    {
        var dataSource = await GetDataSourceAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
    }

    private static async Task<NpgsqlDataSource> ConnectAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 5 };
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            return dataSource;
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }
}
