using Dapper;
using Microsoft.Data.Sqlite;

namespace JobRunners.Sqlite;

/// <content>The operator's reads and actions (<see cref="SqliteMonitorSql"/>).</content>
public sealed partial class SqliteJobStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobCount>> CountJobsAsync(CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<(string JobType, string Status, long Count)>(Command(SqliteMonitorSql.Counts, null, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<JobCount>)rows.Select(r => new JobCount(r.JobType, JobStatusExtensions.ParseStatus(r.Status), r.Count)).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ThroughputSample>> GetThroughputAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<(long Minute, long Succeeded, long Failed)>(
                Command(SqliteMonitorSql.Throughput, new { Since = UnixTime.ToMilliseconds(since) }, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<ThroughputSample>)rows.Select(r => new ThroughputSample(UnixTime.FromMilliseconds(r.Minute), r.Succeeded, r.Failed)).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WorkerSeen>> GetWorkersAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<(string WorkerId, long LastSeenAt, long Running)>(
                Command(SqliteMonitorSql.Workers, new { Since = UnixTime.ToMilliseconds(since) }, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<WorkerSeen>)rows.Select(r => new WorkerSeen(r.WorkerId, UnixTime.FromMilliseconds(r.LastSeenAt), (int)r.Running)).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<JobRequest?> RetryAsync(long id, CancellationToken cancellationToken = default) =>
        (await ActOnRowsAsync(SqliteMonitorSql.Retry, new { Id = id, Now = NowMilliseconds() }, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRequest>> RetryManyAsync(JobStatus status, string? jobType, int limit, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateRetryStatus(status);
        StoreArguments.ValidateLimit(limit);
        return ActOnRowsAsync(SqliteMonitorSql.RetryMany, new { Status = status.ToStoredValue(), JobType = jobType, Limit = limit, Now = NowMilliseconds() }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<JobRequest?> RunNowAsync(long id, CancellationToken cancellationToken = default) =>
        (await ActOnRowsAsync(SqliteMonitorSql.RunNow, new { Id = id, Now = NowMilliseconds() }, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken = default) =>
        ExecuteAsync(SqliteMonitorSql.Delete, new { Id = id }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> PurgeAsync(JobStatus status, DateTimeOffset finishedBefore, string? jobType = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateFinishedStatus(status);
        var parameters = new { Status = status.ToStoredValue(), FinishedBefore = UnixTime.ToMilliseconds(finishedBefore), JobType = jobType, Now = NowMilliseconds() };
        return WithConnectionAsync((connection, token) => connection.ExecuteAsync(Command(SqliteMonitorSql.Purge, parameters, null, token)), cancellationToken);
    }

    /// <summary>Runs a guarded UPDATE ... RETURNING; a unique key another unfinished row holds refuses the change (no row returned).</summary>
    private ValueTask<IReadOnlyList<JobRequest>> ActOnRowsAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, token) =>
        {
            try
            {
                var rows = await connection.QueryAsync<SqliteJobRow>(Command(sql, parameters, null, token)).ConfigureAwait(false);
                return (IReadOnlyList<JobRequest>)rows.OrderBy(r => r.Id).Select(r => r.ToJobRequest()).ToList();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
            {
                return [];
            }
        }, cancellationToken);
}
