using JobRunners.PostgreSql;
using JobRunners.Scheduling;
using JobRunners.Sqlite;
using JobRunners.Storage;
using Microsoft.Extensions.Configuration;

namespace JobRunners;

/// <summary>
/// Chooses the schedule store the way <see cref="StoreSelection"/> chooses the job store, so both live in one
/// database: PostgreSQL when <c>ConnectionStrings:JobRunners</c> is set (schema <c>JobRunners:PostgreSql:Schema</c>),
/// otherwise the embedded SQLite file at <c>JobRunners:Sqlite:Path</c>.
/// </summary>
public static class ScheduleStoreSelection
{
    /// <summary>Builds the schedule store the configuration asks for.</summary>
    public static IScheduleStore Create(IConfiguration configuration, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString(StoreSelection.ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new PostgreSqlScheduleStore(
                new PostgreSqlStoreOptions
                {
                    ConnectionString = connectionString,
                    Schema = configuration["JobRunners:PostgreSql:Schema"] ?? new PostgreSqlStoreOptions().Schema,
                },
                timeProvider);
        }

        var path = configuration["JobRunners:Sqlite:Path"];
        return new SqliteScheduleStore(new SqliteStoreOptions { Path = string.IsNullOrWhiteSpace(path) ? SqliteStoreOptions.DefaultPath : path }, timeProvider);
    }

    /// <summary>
    /// The schedule store beside <paramref name="jobStore"/>: the same SQLite file, or the configured PostgreSQL
    /// schema it uses. A job store of another kind (set with <c>UseStore</c>) has no known sibling; recurring jobs
    /// then need <c>UseScheduleStore</c>.
    /// </summary>
    internal static IScheduleStore ForJobStore(IJobStore jobStore, IConfiguration configuration, TimeProvider timeProvider) => jobStore switch
    {
        SqliteJobStore sqlite => new SqliteScheduleStore(new SqliteStoreOptions { Path = sqlite.DatabasePath }, timeProvider),
        PostgreSqlJobStore postgres when !string.IsNullOrWhiteSpace(configuration.GetConnectionString(StoreSelection.ConnectionStringName)) =>
            new PostgreSqlScheduleStore(
                new PostgreSqlStoreOptions { ConnectionString = configuration.GetConnectionString(StoreSelection.ConnectionStringName)!, Schema = postgres.Schema },
                timeProvider),
        _ => new MissingScheduleStore($"{jobStore.GetType().Name}, {jobStore.Name}"),
    };
}
