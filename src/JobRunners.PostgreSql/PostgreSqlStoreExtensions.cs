using System.Runtime.CompilerServices;
using JobRunners.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobRunners;

/// <summary>Chooses the PostgreSQL store.</summary>
public static class PostgreSqlStoreExtensions
{
    /// <summary>The connection string name: <c>ConnectionStrings:JobRunners</c>.</summary>
    public const string ConnectionStringName = "JobRunners";

    /// <summary>The setting holding the schema.</summary>
    public const string SchemaSetting = "JobRunners:PostgreSql:Schema";

    /// <summary>
    /// Keeps job rows and recurring schedules in one PostgreSQL schema every process shares: through the
    /// <see cref="NpgsqlDataSource"/> registered in the services when there is one (the application keeps owning
    /// it), otherwise through <c>ConnectionStrings:JobRunners</c>; the schema is <c>JobRunners:PostgreSql:Schema</c>
    /// (default <see cref="PostgreSqlStoreOptions.DefaultSchema"/>). Settings are read when the store is first needed;
    /// with neither a data source nor a connection string the host stops at start. The last store chosen wins.
    /// </summary>
    /// <param name="builder">The JobRunners builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="RegistrationException">This <c>AddJobRunners</c> call has no configuration to read the settings from.</exception>
    public static JobRunnersBuilder UsePostgreSql(this JobRunnersBuilder builder) => builder.UsePostgreSql(static _ => { });

    /// <summary>
    /// As <see cref="UsePostgreSql(JobRunnersBuilder)"/>, then <paramref name="configure"/> changes the options read
    /// from configuration (schema, lease clock, connection string). A registered <see cref="NpgsqlDataSource"/>
    /// is still used when there is one; <see cref="PostgreSqlStoreOptions.ConnectionString"/> only otherwise.
    /// </summary>
    /// <param name="builder">The JobRunners builder.</param>
    /// <param name="configure">Changes the options; run when the store is first needed.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="RegistrationException">This <c>AddJobRunners</c> call has no configuration to read the settings from.</exception>
    public static JobRunnersBuilder UsePostgreSql(this JobRunnersBuilder builder, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var configuration = builder.Configuration;
        return Use(builder, sp =>
        {
            var options = new PostgreSqlStoreOptions { ConnectionString = configuration.GetConnectionString(ConnectionStringName) ?? "" };
            if (configuration[SchemaSetting] is { Length: > 0 } schema)
            {
                options.Schema = schema;
            }

            configure(options);
            var dataSource = sp.GetService<NpgsqlDataSource>();
            if (dataSource is null && string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                throw new JobStoreException(
                    $"The PostgreSQL store has no database: set ConnectionStrings:{ConnectionStringName} " +
                    $"(environment: ConnectionStrings__{ConnectionStringName}), e.g. \"Host=db;Username=app;Password=...;Database=app\", " +
                    "or register an NpgsqlDataSource in the services, or pass one to jobs.UsePostgreSql(dataSource).");
            }

            return new Choice(options, dataSource);
        });
    }

    /// <summary>
    /// Keeps job rows and recurring schedules in the PostgreSQL database at <paramref name="connectionString"/>
    /// (schema <see cref="PostgreSqlStoreOptions.DefaultSchema"/> unless <paramref name="configure"/> changes it).
    /// The last store chosen wins.
    /// </summary>
    /// <param name="builder">The JobRunners builder.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="configure">Changes the other options (schema, lease clock).</param>
    /// <returns>The builder.</returns>
    public static JobRunnersBuilder UsePostgreSql(this JobRunnersBuilder builder, string connectionString, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return Use(builder, _ =>
        {
            var options = new PostgreSqlStoreOptions();
            configure?.Invoke(options);
            options.ConnectionString = connectionString;
            return new Choice(options, null);
        });
    }

    /// <summary>
    /// Keeps job rows and recurring schedules in the database behind the application's
    /// <paramref name="dataSource"/>, which the application keeps owning (the host never disposes it). The schema is
    /// <see cref="PostgreSqlStoreOptions.DefaultSchema"/> unless <paramref name="configure"/> changes it. The last
    /// store chosen wins.
    /// </summary>
    /// <param name="builder">The JobRunners builder.</param>
    /// <param name="dataSource">The data source connections come from.</param>
    /// <param name="configure">Changes the other options (schema, lease clock).</param>
    /// <returns>The builder.</returns>
    public static JobRunnersBuilder UsePostgreSql(this JobRunnersBuilder builder, NpgsqlDataSource dataSource, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return Use(builder, _ =>
        {
            var options = new PostgreSqlStoreOptions();
            configure?.Invoke(options);
            return new Choice(options, dataSource);
        });
    }

    // Both stores of one choice resolve it once per container, so they always use the same database and schema.
    private static JobRunnersBuilder Use(JobRunnersBuilder builder, Func<IServiceProvider, Choice> choose)
    {
        var chosen = new ConditionalWeakTable<IServiceProvider, Choice>();
        Choice Resolve(IServiceProvider sp) => chosen.GetValue(sp, key => choose(key));

        return builder.UseStore(
            sp => Resolve(sp) is { DataSource: { } dataSource } borrowed
                ? new PostgreSqlJobStore(dataSource, borrowed.Options, sp.GetRequiredService<TimeProvider>())
                : new PostgreSqlJobStore(Resolve(sp).Options, sp.GetRequiredService<TimeProvider>()),
            sp => Resolve(sp) is { DataSource: { } dataSource } borrowed
                ? new PostgreSqlScheduleStore(dataSource, borrowed.Options, sp.GetRequiredService<TimeProvider>())
                : new PostgreSqlScheduleStore(Resolve(sp).Options, sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>The options, and the data source to borrow (null: each store makes a pool from the connection string).</summary>
    private sealed record Choice(PostgreSqlStoreOptions Options, NpgsqlDataSource? DataSource);
}
