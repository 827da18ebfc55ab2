using Dapper;
using Microsoft.Data.Sqlite;

namespace JobRunners.Sqlite;

/// <summary>
/// The embedded <see cref="IJobStore"/>: one SQLite file in WAL mode, shared safely by several threads and processes
/// on one machine. Each mutation is one statement, or one transaction for a batch, under SQLite's single write lock,
/// so claims are atomic; writers wait for each other up to a busy timeout instead of failing.
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

    /// <inheritdoc />
    public string Description => $"sqlite ({DatabasePath})";

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => _database.Path;

    /// <inheritdoc />
    public async ValueTask MigrateAsync(CancellationToken cancellationToken = default) =>
        await WithConnectionAsync(async (connection, token) =>
        {
            await ApplyMigrationsAsync(connection, token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    private async Task ApplyMigrationsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // WAL lets readers work while one process writes; the mode is stored in the file, so once is enough.
        await connection.ExecuteAsync(Command("PRAGMA journal_mode = WAL;", null, null, cancellationToken)).ConfigureAwait(false);

        // BEGIN IMMEDIATE takes the write lock first: concurrent migrators queue up behind it, and each sees
        // the versions the previous one applied.
        using var transaction = connection.BeginTransaction(deferred: false);
        await connection.ExecuteAsync(Command(SqliteMigrations.CreateMigrationsTable, null, transaction, cancellationToken)).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<long>(
            Command("SELECT version FROM schema_migrations", null, transaction, cancellationToken)).ConfigureAwait(false)).ToHashSet();
        if (applied.Count > 0 && applied.Max() > SqliteMigrations.Latest)
        {
            throw new JobStoreException(
                $"The JobRunners SQLite database '{DatabasePath}' is at migration version {applied.Max()}, newer than this version of JobRunners knows ({SqliteMigrations.Latest}): " +
                "a newer release migrated it. Upgrade JobRunners in this application, or choose another file (JobRunners:Sqlite:Path).");
        }

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

    /// <inheritdoc />
    public ValueTask<InsertResult> InsertAsync(NewJobRequest job, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateInsert(job);
        var now = NowMilliseconds();
        return WithConnectionAsync(async (connection, token) =>
        {
            if (job.UniqueKey is null)
            {
                return await InsertAsync(connection, job, now, null, token).ConfigureAwait(false);
            }

            // Under the write lock the insert and the read of the row holding the key see the same state.
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = await InsertAsync(connection, job, now, transaction, token).ConfigureAwait(false);
            transaction.Commit();
            return result;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<InsertResult>> InsertManyAsync(IReadOnlyList<NewJobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        foreach (var job in jobs)
        {
            StoreArguments.ValidateInsert(job);
        }

        if (jobs.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<InsertResult>>([]);
        }

        var now = NowMilliseconds();
        return WithConnectionAsync(async (connection, token) =>
        {
            // One transaction: all rows or none, and a key taken by an earlier row of the batch is seen as taken.
            using var transaction = connection.BeginTransaction(deferred: false);
            var results = new List<InsertResult>(jobs.Count);
            foreach (var job in jobs)
            {
                results.Add(await InsertAsync(connection, job, now, transaction, token).ConfigureAwait(false));
            }

            transaction.Commit();
            return (IReadOnlyList<InsertResult>)results;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<JobRequest?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
            (await connection.QuerySingleOrDefaultAsync<SqliteJobRow>(
                Command(SqliteSql.Get, new { Id = id }, null, token)).ConfigureAwait(false))?.ToJobRequest(),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRequest>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Count == 0
            ? ValueTask.FromResult<IReadOnlyList<JobRequest>>([])
            : QueryAsync(SqliteSql.GetMany, new { Ids = SqliteSql.JsonList(ids) }, cancellationToken);
    }

    /// <summary>
    /// Writes one row; when another row holds its identity, reads that row instead, and when that row's period is
    /// over, releases it and writes the new row. A keyed insert needs the caller's BEGIN IMMEDIATE transaction, so no
    /// other writer can finish, release or insert a holder in between.
    /// </summary>
    private static async Task<InsertResult> InsertAsync(
        SqliteConnection connection, NewJobRequest job, long now, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
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
            job.TraceParent,
            job.TraceState,
            UniqueUntil = UnixTime.ToMilliseconds(StoredValues.UniqueUntil(job, UnixTime.FromMilliseconds(now))),
            job.UniquePerQueue,
        };

        var created = await connection.QuerySingleOrDefaultAsync<SqliteJobRow>(
            Command(SqliteSql.Insert, parameters, transaction, cancellationToken)).ConfigureAwait(false);
        if (created is not null)
        {
            return new InsertResult(created.ToJobRequest(), Created: true);
        }

        var holder = (await connection.QuerySingleAsync<SqliteJobRow>(Command(
            SqliteSql.GetIdentityHolder,
            new { job.JobType, job.UniqueKey, IdentityQueue = StoredValues.IdentityQueue(job.QueueName, job.UniquePerQueue) },
            transaction,
            cancellationToken)).ConfigureAwait(false)).ToJobRequest();
        if (!RowIdentity.HasExpired(holder, UnixTime.FromMilliseconds(now)))
        {
            return new InsertResult(holder, Created: false);
        }

        await connection.ExecuteAsync(Command(SqliteSql.ReleaseExpiredIdentity, new { holder.Id, Now = now }, transaction, cancellationToken)).ConfigureAwait(false);
        created = await connection.QuerySingleAsync<SqliteJobRow>(Command(SqliteSql.Insert, parameters, transaction, cancellationToken)).ConfigureAwait(false);
        return new InsertResult(created.ToJobRequest(), Created: true);
    }

    private long NowMilliseconds() => UnixTime.ToMilliseconds(_timeProvider.GetUtcNow());

    private static CommandDefinition Command(string sql, object? parameters, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    private ValueTask<T> WithConnectionAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        _database.WithConnectionAsync(work, "schema is", cancellationToken);
}
