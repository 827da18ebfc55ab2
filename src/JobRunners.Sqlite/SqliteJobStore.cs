using Dapper;
using JobRunners.Storage;
using Microsoft.Data.Sqlite;

namespace JobRunners.Sqlite;

/// <summary>
/// The embedded <see cref="IJobStore"/>: one SQLite file in WAL mode, shared safely by several threads and processes
/// on one machine. Each mutation is one statement under SQLite's single write lock, so claims are atomic; writers
/// wait for each other up to a busy timeout instead of failing.
/// </summary>
public sealed partial class SqliteJobStore : IJobStore
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the store. Nothing is opened until the first call; call <see cref="MigrateAsync"/> before use.</summary>
    /// <param name="options">Where the database file lives.</param>
    /// <param name="timeProvider">The clock for every timestamp the store writes and compares.</param>
    public SqliteJobStore(SqliteStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = new SqliteDatabase(options);
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public string Name => "sqlite";

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => _database.Path;

    /// <inheritdoc />
    public async ValueTask MigrateAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // WAL lets readers work while one process writes; the mode is stored in the file, so once is enough.
            await connection.ExecuteAsync(Command("PRAGMA journal_mode = WAL;", null, null, cancellationToken)).ConfigureAwait(false);

            // BEGIN IMMEDIATE takes the write lock first: concurrent migrators queue up behind it, and each sees
            // the versions the previous one applied.
            using var transaction = connection.BeginTransaction(deferred: false);
            await connection.ExecuteAsync(Command(SqliteMigrations.CreateMigrationsTable, null, transaction, cancellationToken)).ConfigureAwait(false);
            var applied = (await connection.QueryAsync<long>(
                Command("SELECT version FROM schema_migrations", null, transaction, cancellationToken)).ConfigureAwait(false)).ToHashSet();
            foreach (var migration in SqliteMigrations.All.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
            {
                await connection.ExecuteAsync(Command(migration.Sql, null, transaction, cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(Command(
                    "INSERT INTO schema_migrations (version, description, applied_at) VALUES (@Version, @Description, @AppliedAt)",
                    new { migration.Version, migration.Description, AppliedAt = NowMilliseconds() },
                    transaction,
                    cancellationToken)).ConfigureAwait(false);
            }

            transaction.Commit();
        }
    }

    /// <inheritdoc />
    public ValueTask<InsertResult> InsertAsync(NewJobRequest job, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateInsert(job);
        var now = NowMilliseconds();
        var parameters = new
        {
            job.JobType,
            job.QueueName,
            job.Payload,
            job.MaxAttempts,
            job.Priority,
            RunAt = job.RunAt is { } runAt ? UnixTime.ToMilliseconds(runAt) : now,
            job.UniqueKey,
            job.LocksQueue,
            job.Runner,
            DispatchedAt = job.Dispatched ? now : (long?)null,
            Now = now,
        };

        return WithConnectionAsync(async (connection, token) =>
        {
            if (job.UniqueKey is null)
            {
                var row = await connection.QuerySingleAsync<SqliteJobRow>(Command(SqliteSql.Insert, parameters, null, token)).ConfigureAwait(false);
                return new InsertResult(row.ToJobRequest(), Created: true);
            }

            // Under the write lock the insert and the read of the row holding the key see the same state.
            using var transaction = connection.BeginTransaction(deferred: false);
            var created = await connection.QuerySingleOrDefaultAsync<SqliteJobRow>(
                Command(SqliteSql.Insert, parameters, transaction, token)).ConfigureAwait(false);
            var result = created is not null
                ? new InsertResult(created.ToJobRequest(), Created: true)
                : new InsertResult((await connection.QuerySingleAsync<SqliteJobRow>(
                    Command(SqliteSql.GetUnfinishedByUniqueKey, new { job.UniqueKey }, transaction, token)).ConfigureAwait(false)).ToJobRequest(), Created: false);
            transaction.Commit();
            return result;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<JobRequest?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        WithConnectionAsync((connection, token) => GetAsync(connection, id, token), cancellationToken);

    private static async Task<JobRequest?> GetAsync(SqliteConnection connection, long id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<SqliteJobRow>(
            Command(SqliteSql.Get, new { Id = id }, null, cancellationToken)).ConfigureAwait(false);
        return row?.ToJobRequest();
    }

    private long NowMilliseconds() => UnixTime.ToMilliseconds(_timeProvider.GetUtcNow());

    private static CommandDefinition Command(string sql, object? parameters, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    private ValueTask<T> WithConnectionAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        _database.WithConnectionAsync(work, "schema is", cancellationToken);
}
