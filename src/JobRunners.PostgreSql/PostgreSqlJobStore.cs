using Dapper;
using Npgsql;

namespace JobRunners.PostgreSql;

/// <summary>
/// The production <see cref="IJobStore"/>: <c>job_request</c> rows in a PostgreSQL schema shared by every process.
/// Claims are one guarded <c>UPDATE ... RETURNING</c>, so of several workers claiming a row exactly one wins.
/// </summary>
public sealed partial class PostgreSqlJobStore : IJobStore, IAsyncDisposable, IDisposable
{
    private readonly PostgreSqlDatabase _db;
    private readonly TimeProvider _timeProvider;
    private readonly PostgreSqlSql _sql;
    private readonly PostgreSqlMonitorSql _monitorSql;

    /// <summary>Creates the store and its connection pool. Nothing is opened until the first call.</summary>
    /// <param name="options">The connection string and schema.</param>
    /// <param name="timeProvider">The clock for every timestamp the store writes and compares.</param>
    public PostgreSqlJobStore(PostgreSqlStoreOptions options, TimeProvider timeProvider)
        : this(PostgreSqlDatabase.Create(options), timeProvider, options.LeaseClock)
    {
    }

    /// <summary>Creates the store over an existing data source, which the caller keeps owning and disposes.</summary>
    /// <param name="dataSource">The data source to take connections from.</param>
    /// <param name="options">The schema; <see cref="PostgreSqlStoreOptions.ConnectionString"/> is not used.</param>
    /// <param name="timeProvider">The clock for every timestamp the store writes and compares.</param>
    public PostgreSqlJobStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions options, TimeProvider timeProvider)
        : this(PostgreSqlDatabase.Borrow(dataSource, options), timeProvider, options.LeaseClock)
    {
    }

    private PostgreSqlJobStore(PostgreSqlDatabase db, TimeProvider timeProvider, PostgreSqlLeaseClock leaseClock)
    {
        if (timeProvider is null)
        {
            db.Dispose();
            throw new ArgumentNullException(nameof(timeProvider));
        }

        _db = db;
        _timeProvider = timeProvider;
        LeasesOnDatabaseClock = leaseClock == PostgreSqlLeaseClock.Database
            || (leaseClock == PostgreSqlLeaseClock.Auto && ReferenceEquals(timeProvider, TimeProvider.System));
        _sql = new PostgreSqlSql(db.QuotedSchema, LeasesOnDatabaseClock);
        _monitorSql = new PostgreSqlMonitorSql(_sql.Table);
    }

    /// <inheritdoc />
    public string Name => "postgres";

    /// <inheritdoc />
    public string Description => $"postgres (schema \"{Schema}\")";

    /// <summary>True when leases are timed by the database's <c>now()</c> (see <see cref="PostgreSqlStoreOptions.LeaseClock"/>).</summary>
    public bool LeasesOnDatabaseClock { get; }

    /// <summary>The schema holding the store's tables.</summary>
    public string Schema => _db.Schema;

    /// <inheritdoc />
    public async ValueTask MigrateAsync(CancellationToken cancellationToken = default) =>
        await WithConnectionAsync(async (connection, token) =>
        {
            await ApplyMigrationsAsync(connection, token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    private async Task ApplyMigrationsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            // One migrator per schema at a time, across processes; the lock ends with the transaction, so a
            // crashed migrator cannot leave it held. Each statement after it sees what the previous holder committed.
            await connection.ExecuteAsync(Command(
                "SELECT pg_advisory_xact_lock(hashtextextended(@Key, 0))",
                new { Key = "jobrunners.migrate:" + Schema },
                transaction,
                cancellationToken)).ConfigureAwait(false);

            // Checked first so a user without CREATE on the database can migrate a schema an admin created.
            var schemaExists = await connection.ExecuteScalarAsync<bool>(Command(
                "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @Schema)", new { Schema }, transaction, cancellationToken)).ConfigureAwait(false);
            if (!schemaExists)
            {
                await connection.ExecuteAsync(Command($"CREATE SCHEMA {QuotedSchema}", null, transaction, cancellationToken)).ConfigureAwait(false);
            }

            await connection.ExecuteAsync(Command(WithSchema(PostgreSqlMigrations.CreateMigrationsTable), null, transaction, cancellationToken))
                .ConfigureAwait(false);
            var applied = (await connection.QueryAsync<int>(Command(
                $"SELECT version FROM {QuotedSchema}.schema_migrations", null, transaction, cancellationToken)).ConfigureAwait(false)).ToHashSet();
            if (applied.Count > 0 && applied.Max() > PostgreSqlMigrations.Latest)
            {
                throw new JobStoreException(
                    $"The JobRunners schema \"{Schema}\" is at migration version {applied.Max()}, newer than this version of JobRunners knows ({PostgreSqlMigrations.Latest}): " +
                    "a newer release migrated it. Upgrade JobRunners in this application, or point it at another schema (JobRunners:PostgreSql:Schema).");
            }

            foreach (var migration in PostgreSqlMigrations.All.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
            {
                await connection.ExecuteAsync(Command(WithSchema(migration.Sql), null, transaction, cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(Command(
                    $"INSERT INTO {QuotedSchema}.schema_migrations (version, description, applied_at) VALUES (@Version, @Description, @AppliedAt)",
                    new { migration.Version, migration.Description, AppliedAt = _timeProvider.GetUtcNow() },
                    transaction,
                    cancellationToken)).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask<JobRequest?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        WithConnectionAsync((connection, token) => GetAsync(connection, id, token), cancellationToken);

    /// <summary>Disposes the connection pool when the store created it.</summary>
    public ValueTask DisposeAsync() => _db.DisposeAsync();

    /// <summary>Disposes the connection pool when the store created it.</summary>
    public void Dispose() => _db.Dispose();

    private async Task<JobRequest?> GetAsync(NpgsqlConnection connection, long id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<PostgreSqlJobRow>(
            Command(_sql.Get, new { Id = id }, null, cancellationToken)).ConfigureAwait(false);
        return row?.ToJobRequest();
    }

    private string QuotedSchema => _db.QuotedSchema;

    private string WithSchema(string sql) => sql.Replace(PostgreSqlMigrations.SchemaToken, QuotedSchema, StringComparison.Ordinal);

    private static CommandDefinition Command(string sql, object? parameters, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    private ValueTask<T> WithConnectionAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        _db.WithConnectionAsync(work, "schema is", cancellationToken);

    // New rows: an error after the statement was sent may or may not have left them written (JobStoreException.RowMayExist).
    private ValueTask<T> WithWriteAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        _db.WithConnectionAsync(work, "schema is", cancellationToken, writes: true);

    private ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _db.OpenAsync(cancellationToken);
}
