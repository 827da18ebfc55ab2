using Dapper;
using Npgsql;

namespace JobRunners.PostgreSql;

/// <content>The operator's reads and actions (<see cref="PostgreSqlMonitorSql"/>).</content>
public sealed partial class PostgreSqlJobStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobCount>> CountJobsAsync(CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<(string JobType, string Status, long Count)>(Command(_monitorSql.Counts, null, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<JobCount>)rows.Select(r => new JobCount(r.JobType, JobStatusExtensions.ParseStatus(r.Status), r.Count)).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ThroughputSample>> GetThroughputAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<(DateTime Minute, long Succeeded, long Failed)>(
                Command(_monitorSql.Throughput, new { Since = since.ToUniversalTime() }, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<ThroughputSample>)rows.Select(r => new ThroughputSample(PostgreSqlJobRow.Utc(r.Minute), r.Succeeded, r.Failed)).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WorkerSeen>> GetWorkersAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<(string WorkerId, DateTime LastSeenAt, long Running)>(
                Command(_monitorSql.Workers, new { Since = since.ToUniversalTime() }, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<WorkerSeen>)rows.Select(r => new WorkerSeen(r.WorkerId, PostgreSqlJobRow.Utc(r.LastSeenAt), (int)r.Running)).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<JobRequest?> RetryAsync(long id, CancellationToken cancellationToken = default) =>
        (await ActOnRowsAsync(_monitorSql.Retry, new { Id = id, Now = _timeProvider.GetUtcNow() }, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRequest>> RetryManyAsync(JobStatus status, string? jobType, int limit, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateRetryStatus(status);
        StoreArguments.ValidateLimit(limit);
        return ActOnRowsAsync(_monitorSql.RetryMany, new { Status = status.ToStoredValue(), JobType = jobType, Limit = limit, Now = _timeProvider.GetUtcNow() }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<JobRequest?> RunNowAsync(long id, CancellationToken cancellationToken = default) =>
        (await ActOnRowsAsync(_monitorSql.RunNow, new { Id = id, Now = _timeProvider.GetUtcNow() }, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken = default) =>
        ExecuteAsync(_monitorSql.Delete, new { Id = id }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> PurgeAsync(JobStatus status, DateTimeOffset finishedBefore, string? jobType = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateFinishedStatus(status);
        var parameters = new { Status = status.ToStoredValue(), FinishedBefore = finishedBefore.ToUniversalTime(), JobType = jobType, Now = _timeProvider.GetUtcNow() };
        return WithConnectionAsync((connection, token) => connection.ExecuteAsync(Command(_monitorSql.Purge, parameters, null, token)), cancellationToken);
    }

    /// <summary>
    /// Runs a guarded UPDATE ... RETURNING. A unique key taken by another unfinished row between the statement's check
    /// and its write (a race) refuses the change, like any other guard: no row is returned.
    /// </summary>
    private ValueTask<IReadOnlyList<JobRequest>> ActOnRowsAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, token) =>
        {
            try
            {
                var rows = await connection.QueryAsync<PostgreSqlJobRow>(Command(sql, parameters, null, token)).ConfigureAwait(false);
                return (IReadOnlyList<JobRequest>)rows.OrderBy(r => r.Id).Select(r => r.ToJobRequest()).ToList();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return [];
            }
        }, cancellationToken);
}
