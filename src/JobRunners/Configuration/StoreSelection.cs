using JobRunners.PostgreSql;
using JobRunners.Sqlite;
using JobRunners.Storage;
using Microsoft.Extensions.Configuration;

namespace JobRunners;

/// <summary>
/// Chooses the job store from configuration: PostgreSQL when <c>ConnectionStrings:JobRunners</c> is set
/// (every process shares it), otherwise the embedded SQLite file at <c>JobRunners:Sqlite:Path</c>
/// (default <see cref="SqliteStoreOptions.DefaultPath"/>).
/// </summary>
public static class StoreSelection
{
    /// <summary>The connection string name for the PostgreSQL store.</summary>
    public const string ConnectionStringName = "JobRunners";

    /// <summary>Builds the store the configuration asks for.</summary>
    public static IJobStore Create(IConfiguration configuration, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new PostgreSqlJobStore(
                new PostgreSqlStoreOptions
                {
                    ConnectionString = connectionString,
                    Schema = configuration["JobRunners:PostgreSql:Schema"] ?? new PostgreSqlStoreOptions().Schema,
                },
                timeProvider);
        }

        var path = configuration["JobRunners:Sqlite:Path"];
        return new SqliteJobStore(new SqliteStoreOptions { Path = string.IsNullOrWhiteSpace(path) ? SqliteStoreOptions.DefaultPath : path }, timeProvider);
    }

    /// <summary>A one-line description of the store the configuration asks for, without connecting; secrets in the connection string are masked.</summary>
    public static string Describe(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return $"postgres ({ConnectionStringMasking.Postgres(connectionString)})";
        }

        var path = configuration["JobRunners:Sqlite:Path"];
        return $"sqlite ({(string.IsNullOrWhiteSpace(path) ? SqliteStoreOptions.DefaultPath : path)})";
    }
}
