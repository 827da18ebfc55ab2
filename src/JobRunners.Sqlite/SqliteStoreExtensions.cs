using JobRunners.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace JobRunners;

/// <summary>Chooses the embedded SQLite store.</summary>
public static class SqliteStoreExtensions
{
    /// <summary>The setting holding the database file's path.</summary>
    public const string PathSetting = "JobRunners:Sqlite:Path";

    /// <summary>
    /// Keeps job rows and recurring schedules in one SQLite file on this machine: the file at
    /// <c>JobRunners:Sqlite:Path</c>, read when the store is first needed (default
    /// <see cref="SqliteStoreOptions.DefaultPath"/>). Every process sharing the file shares the store. The last store
    /// chosen wins.
    /// </summary>
    /// <param name="builder">The JobRunners builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="RegistrationException">This <c>AddJobRunners</c> call has no configuration to read the path from.</exception>
    public static JobRunnersBuilder UseSqlite(this JobRunnersBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        return Use(builder, () =>
        {
            var path = configuration[PathSetting];
            return new SqliteStoreOptions { Path = string.IsNullOrWhiteSpace(path) ? SqliteStoreOptions.DefaultPath : path };
        });
    }

    /// <summary>Keeps job rows and recurring schedules in the SQLite file at <paramref name="path"/>. The last store chosen wins.</summary>
    /// <param name="builder">The JobRunners builder.</param>
    /// <param name="path">The database file; its directory is created when missing.</param>
    /// <returns>The builder.</returns>
    public static JobRunnersBuilder UseSqlite(this JobRunnersBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Use(builder, () => new SqliteStoreOptions { Path = path });
    }

    /// <summary>
    /// Keeps job rows and recurring schedules in one SQLite file set by <paramref name="configure"/>, which starts
    /// from the defaults. The last store chosen wins.
    /// </summary>
    /// <param name="builder">The JobRunners builder.</param>
    /// <param name="configure">Sets the options; run when the store is first needed.</param>
    /// <returns>The builder.</returns>
    public static JobRunnersBuilder UseSqlite(this JobRunnersBuilder builder, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return Use(builder, () =>
        {
            var options = new SqliteStoreOptions();
            configure(options);
            return options;
        });
    }

    // Both stores of one choice read the options once, so they always open the same file.
    private static JobRunnersBuilder Use(JobRunnersBuilder builder, Func<SqliteStoreOptions> options)
    {
        var shared = new Lazy<SqliteStoreOptions>(options);
        return builder.UseStore(
            sp => new SqliteJobStore(shared.Value, sp.GetRequiredService<TimeProvider>()),
            sp => new SqliteScheduleStore(shared.Value, sp.GetRequiredService<TimeProvider>()));
    }
}
