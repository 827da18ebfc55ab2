using JobRunners.PostgreSql;
using JobRunners.Scheduling;
using JobRunners.Sqlite;
using Microsoft.Extensions.Configuration;

namespace JobRunners.Cli;

/// <summary>
/// The store the CLI works on, chosen from configuration: PostgreSQL when <c>ConnectionStrings:JobRunners</c> is
/// set (schema <c>JobRunners:PostgreSql:Schema</c>), otherwise the SQLite file at <c>JobRunners:Sqlite:Path</c>
/// (default <see cref="SqliteStoreOptions.DefaultPath"/>). Applications choose theirs in code; the CLI serves both.
/// </summary>
internal static class CliStores
{
    public static bool IsPostgreSql(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(PostgreSqlStoreExtensions.ConnectionStringName));

    /// <summary>Chooses the configured store for a host the CLI builds.</summary>
    public static JobRunnersBuilder UseConfiguredStore(this JobRunnersBuilder jobs, IConfiguration configuration) =>
        IsPostgreSql(configuration) ? jobs.UsePostgreSql() : jobs.UseSqlite();

    /// <summary>The configured job store, for commands that work on rows without a host.</summary>
    public static IJobStore CreateJobStore(IConfiguration configuration, TimeProvider timeProvider) =>
        IsPostgreSql(configuration)
            ? new PostgreSqlJobStore(PostgreSqlOptions(configuration), timeProvider)
            : new SqliteJobStore(SqliteOptions(configuration), timeProvider);

    /// <summary>The configured schedule store, in the job store's database.</summary>
    public static IScheduleStore CreateScheduleStore(IConfiguration configuration, TimeProvider timeProvider) =>
        IsPostgreSql(configuration)
            ? new PostgreSqlScheduleStore(PostgreSqlOptions(configuration), timeProvider)
            : new SqliteScheduleStore(SqliteOptions(configuration), timeProvider);

    /// <summary>A one-line description of the configured store, without connecting; secrets in the connection string are masked.</summary>
    public static string Describe(IConfiguration configuration) =>
        IsPostgreSql(configuration)
            ? $"postgres ({ConnectionStringMasking.Postgres(configuration.GetConnectionString(PostgreSqlStoreExtensions.ConnectionStringName)!)})"
            : $"sqlite ({SqliteOptions(configuration).Path})";

    private static PostgreSqlStoreOptions PostgreSqlOptions(IConfiguration configuration) => new()
    {
        ConnectionString = configuration.GetConnectionString(PostgreSqlStoreExtensions.ConnectionStringName)!,
        Schema = configuration[PostgreSqlStoreExtensions.SchemaSetting] is { Length: > 0 } schema ? schema : PostgreSqlStoreOptions.DefaultSchema,
    };

    private static SqliteStoreOptions SqliteOptions(IConfiguration configuration) =>
        new() { Path = configuration[SqliteStoreExtensions.PathSetting] is { Length: > 0 } path && !string.IsNullOrWhiteSpace(path) ? path : SqliteStoreOptions.DefaultPath };
}
