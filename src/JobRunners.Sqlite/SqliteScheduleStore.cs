using Dapper;
using JobRunners.Scheduling;
using Microsoft.Data.Sqlite;

namespace JobRunners.Sqlite;

/// <summary>
/// The embedded <see cref="IScheduleStore"/>: the <c>job_schedule</c> and <c>scheduler_lease</c> tables in the same
/// SQLite file as the job store. Every claim and lease change is one statement under SQLite's single write lock, so
/// several processes on one machine can share the file and still dispatch each run once.
/// </summary>
public sealed partial class SqliteScheduleStore : IScheduleStore
{
    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly SqliteDatabase _database;

    /// <summary>Creates the store. Nothing is opened until the first call.</summary>
    /// <param name="options">Where the database file lives: the job store's file.</param>
    /// <param name="timeProvider">The clock for every timestamp the store writes and compares.</param>
    public SqliteScheduleStore(SqliteStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = new SqliteDatabase(options);
        _options = new SqliteStoreOptions { Path = _database.Path };
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public string Name => "sqlite";

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => _database.Path;

    /// <inheritdoc />
    public ValueTask MigrateAsync(CancellationToken cancellationToken = default) =>
        new SqliteJobStore(_options, _timeProvider).MigrateAsync(cancellationToken);

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
            StartAt = UnixTime.ToMilliseconds(definition.StartAt),
            NextRunAt = UnixTime.ToMilliseconds(definition.NextRunAt),
            definition.MaxExecutions,
            definition.NoOverlap,
            definition.Paused,
            Options = new ScheduleOptionsJson(definition.QueueName, definition.Priority, definition.MaxAttempts).Serialize(),
            Now = NowMilliseconds(),
        };

        return WithConnectionAsync(async (connection, token) =>
        {
            // Under the write lock the existence check and the upsert see the same state.
            using var transaction = connection.BeginTransaction(deferred: false);
            var existed = await connection.ExecuteScalarAsync<long>(
                Command(SqliteScheduleSql.Exists, new { definition.Tag }, transaction, token)).ConfigureAwait(false) > 0;
            var row = await connection.QuerySingleAsync<SqliteScheduleRow>(
                Command(SqliteScheduleSql.Upsert, parameters, transaction, token)).ConfigureAwait(false);
            transaction.Commit();
            return new ScheduleUpsertResult(row.ToJobSchedule(), Created: !existed);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<JobSchedule?> GetAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return WithConnectionAsync(async (connection, token) =>
            (await connection.QuerySingleOrDefaultAsync<SqliteScheduleRow>(
                Command(SqliteScheduleSql.Get, new { Tag = tag }, null, token)).ConfigureAwait(false))?.ToJobSchedule(),
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobSchedule>> ListAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(SqliteScheduleSql.List, null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> SetPausedAsync(string tag, bool paused, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return ExecuteAsync(SqliteScheduleSql.SetPaused, new { Tag = tag, Paused = paused, Now = NowMilliseconds() }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return ExecuteAsync(SqliteScheduleSql.Delete, new { Tag = tag }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobSchedule>> ListDueAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(SqliteScheduleSql.ListDue, new { DueBy = UnixTime.ToMilliseconds(dueBy), Limit = limit }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var due = await connection.ExecuteScalarAsync<long?>(Command(SqliteScheduleSql.NextDue, null, null, token)).ConfigureAwait(false);
            return due is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> TryClaimRunAsync(ScheduleClaim claim, CancellationToken cancellationToken = default)
    {
        ScheduleArguments.ValidateClaim(claim);
        var parameters = new
        {
            claim.Tag,
            DueAt = UnixTime.ToMilliseconds(claim.DueAt),
            NextRunAt = UnixTime.ToMilliseconds(claim.NextRunAt),
            claim.Holder,
            Now = NowMilliseconds(),
        };
        return ExecuteAsync(SqliteScheduleSql.Claim, parameters, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> CompleteRunAsync(string tag, DateTimeOffset dueAt, long? jobId, string? failure, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var parameters = new { Tag = tag, DueAt = UnixTime.ToMilliseconds(dueAt), JobId = jobId, Error = failure, Now = NowMilliseconds() };
        return ExecuteAsync(SqliteScheduleSql.Complete, parameters, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long?> FindJobByUniqueKeyAsync(string jobType, string uniqueKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobType);
        ArgumentException.ThrowIfNullOrEmpty(uniqueKey);
        return WithConnectionAsync(
            (connection, token) => connection.QuerySingleOrDefaultAsync<long?>(
                Command(SqliteScheduleSql.FindJobByUniqueKey, new { JobType = jobType, UniqueKey = uniqueKey }, null, token)),
            cancellationToken);
    }

    private long NowMilliseconds() => UnixTime.ToMilliseconds(_timeProvider.GetUtcNow());

    private static CommandDefinition Command(string sql, object? parameters, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    private ValueTask<IReadOnlyList<JobSchedule>> QueryAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<SqliteScheduleRow>(Command(sql, parameters, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<JobSchedule>)rows.Select(row => row.ToJobSchedule()).ToList();
        }, cancellationToken);

    private ValueTask<bool> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(
            async (connection, token) => await connection.ExecuteAsync(Command(sql, parameters, null, token)).ConfigureAwait(false) > 0,
            cancellationToken);

    private ValueTask<T> WithConnectionAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        _database.WithConnectionAsync(work, "schedule tables are", cancellationToken);
}
