using Microsoft.Extensions.Configuration;

namespace JobRunners;

/// <summary>
/// For test hosts whose settings pick the store, as the CLI does: PostgreSQL when <c>ConnectionStrings:JobRunners</c>
/// is set, otherwise the SQLite file at <c>JobRunners:Sqlite:Path</c>.
/// </summary>
internal static class ConfiguredStore
{
    public static JobRunnersBuilder UseConfiguredStore(this JobRunnersBuilder jobs) =>
        string.IsNullOrWhiteSpace(jobs.Configuration.GetConnectionString(PostgreSqlStoreExtensions.ConnectionStringName))
            ? jobs.UseSqlite()
            : jobs.UsePostgreSql();
}
