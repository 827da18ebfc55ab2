using Dapper;
using JobRunners.Scheduling;
using Npgsql;

namespace JobRunners.PostgreSql;

/// <summary>
/// The production <see cref="IScheduleStore"/>: <c>job_schedule</c> and <c>scheduler_lease</c> in the job store's
/// PostgreSQL schema, shared by every process. Claims are one compare-and-set <c>UPDATE</c> and the lease one guarded
/// upsert, so of several schedulers exactly one leads and each run is claimed once.
/// </summary>
public sealed partial class PostgreSqlScheduleStore : IScheduleStore, IAsyncDisposable, IDisposable
{
    private readonly PostgreSqlDatabase _db;
    private readonly PostgreSqlStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly PostgreSqlScheduleSql _sql;

    /// <summary>Creates the store and its connection pool. Nothing is opened until the first call.</summary>
    /// <param name="options">The connection string and schema: the job store's.</param>
    /// <param name="timeProvider">The clock for every timestamp the store writes and compares.</param>
    public PostgreSqlScheduleStore(PostgreSqlStoreOptions options, TimeProvider timeProvider)
        : this(PostgreSqlDatabase.Create(options), options, timeProvider)
    {
    }

    /// <summary>Creates the store over an existing data source, which the caller keeps owning and disposes.</summary>
    /// <param name="dataSource">The data source to take connections from.</param>
    /// <param name="options">The schema; <see cref="PostgreSqlStoreOptions.ConnectionString"/> is not used.</param>
    /// <param name="timeProvider">The clock for every timestamp the store writes and compares.</param>
    public PostgreSqlScheduleStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions options, TimeProvider timeProvider)
        : this(PostgreSqlDatabase.Borrow(dataSource, options), options, timeProvider)
    {
    }

    private PostgreSqlScheduleStore(PostgreSqlDatabase db, PostgreSqlStoreOptions options, TimeProvider timeProvider)
    {
        if (timeProvider is null)
        {
            db.Dispose();
            throw new ArgumentNullException(nameof(timeProvider));
        }

        _db = db;
        _options = new PostgreSqlStoreOptions { ConnectionString = options.ConnectionString, Schema = options.Schema };
        _timeProvider = timeProvider;
        _sql = new PostgreSqlScheduleSql(db.QuotedSchema);
    }

    /// <inheritdoc />
    public string Name => "postgres";

    /// <summary>The schema holding the store's tables.</summary>
    public string Schema => _db.Schema;

    /// <inheritdoc />
    public async ValueTask MigrateAsync(CancellationToken cancellationToken = default)
    {
        // The job store owns the migration list and its lock; it borrows this store's pool.
        var jobStore = new PostgreSqlJobStore(_db.DataSource, _options, _timeProvider);
        await using (jobStore.ConfigureAwait(false))
        {
            await jobStore.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask<ScheduleUpsertResult> UpsertAsync(ScheduleDefinition definition, CancellationToken cancellationToken = default)
    {
        ScheduleArguments.ValidateDefinition(definition);
        var parameters = new
        {
            definition.Tag,
            definition.JobType,
            definition.Payload,
            Kind = definition.Kind.ToStoredValue(),
            IntervalMs = definition.Interval is { } interval ? (long)interval.TotalMilliseconds : (long?)null,
            definition.Cron,
            definition.TimeZone,
            StartAt = definition.StartAt?.ToUniversalTime(),
            NextRunAt = definition.NextRunAt?.ToUniversalTime(),
            definition.MaxExecutions,
            definition.NoOverlap,
            definition.Paused,
            Options = new ScheduleOptionsJson(definition.QueueName, definition.Priority, definition.MaxAttempts).Serialize(),
            Now = _timeProvider.GetUtcNow(),
        };
        return WithConnectionAsync(async (connection, token) =>
        {
            var row = await connection.QuerySingleAsync<PostgreSqlScheduleRow>(Command(_sql.Upsert, parameters, token)).ConfigureAwait(false);
            return new ScheduleUpsertResult(row.ToJobSchedule(), row.Created);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<JobSchedule?> GetAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return WithConnectionAsync(async (connection, token) =>
            (await connection.QuerySingleOrDefaultAsync<PostgreSqlScheduleRow>(
                Command(_sql.Get, new { Tag = tag }, token)).ConfigureAwait(false))?.ToJobSchedule(),
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobSchedule>> ListAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(_sql.List, null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> SetPausedAsync(string tag, bool paused, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return ExecuteAsync(_sql.SetPaused, new { Tag = tag, Paused = paused, Now = _timeProvider.GetUtcNow() }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return ExecuteAsync(_sql.Delete, new { Tag = tag }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobSchedule>> ListDueAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(_sql.ListDue, new { DueBy = dueBy.ToUniversalTime(), Limit = limit }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var due = await connection.ExecuteScalarAsync<DateTime?>(Command(_sql.NextDue, null, token)).ConfigureAwait(false);
            return due is { } utc ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) : (DateTimeOffset?)null;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> TryClaimRunAsync(ScheduleClaim claim, CancellationToken cancellationToken = default)
    {
        ScheduleArguments.ValidateClaim(claim);
        var parameters = new
        {
            claim.Tag,
            DueAt = claim.DueAt.ToUniversalTime(),
            NextRunAt = claim.NextRunAt?.ToUniversalTime(),
            claim.Holder,
            Now = _timeProvider.GetUtcNow(),
        };
        return ExecuteAsync(_sql.Claim, parameters, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> CompleteRunAsync(string tag, DateTimeOffset dueAt, long? jobId, string? failure, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var parameters = new { Tag = tag, DueAt = dueAt.ToUniversalTime(), JobId = jobId, Error = failure, Now = _timeProvider.GetUtcNow() };
        return ExecuteAsync(_sql.Complete, parameters, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long?> FindJobByUniqueKeyAsync(string jobType, string uniqueKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobType);
        ArgumentException.ThrowIfNullOrEmpty(uniqueKey);
        return WithConnectionAsync(
            (connection, token) => connection.QuerySingleOrDefaultAsync<long?>(Command(_sql.FindJobByUniqueKey, new { JobType = jobType, UniqueKey = uniqueKey }, token)),
            cancellationToken);
    }

    /// <summary>Ends the lease session, and disposes the connection pool when the store created it.</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseLeaseSessionAsync().ConfigureAwait(false);
        _leaseGate.Dispose();
        await _db.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Ends the lease session, and disposes the connection pool when the store created it.</summary>
    public void Dispose()
    {
        _leaseSession?.Dispose();
        _leaseSession = null;
        _leaseGate.Dispose();
        _db.Dispose();
    }

    private static CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken) =>
        new(sql, parameters, cancellationToken: cancellationToken);

    private ValueTask<IReadOnlyList<JobSchedule>> QueryAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<PostgreSqlScheduleRow>(Command(sql, parameters, token)).ConfigureAwait(false);
            return (IReadOnlyList<JobSchedule>)rows.Select(row => row.ToJobSchedule()).ToList();
        }, cancellationToken);

    private ValueTask<bool> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(
            async (connection, token) => await connection.ExecuteAsync(Command(sql, parameters, token)).ConfigureAwait(false) > 0,
            cancellationToken);

    private ValueTask<T> WithConnectionAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        _db.WithConnectionAsync(work, "schedule tables are", cancellationToken);
}
