namespace JobRunners;

/// <summary>
/// Reads and operates the tracked jobs of the configured store, for an application's pages, the CLI and the
/// dashboard. Registered by <c>AddJobRunners</c>. Every action is one guarded write: two operators (or an operator
/// and a worker) racing on one row cannot corrupt it; the loser gets <see cref="JobActionOutcome.NotAllowed"/>.
/// </summary>
public interface IJobMonitor
{
    /// <summary>Reads one row, or null when no row has this id.</summary>
    ValueTask<JobRequest?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Reads the rows with these ids that exist, in one read, in no particular order (a page refreshing its running jobs).</summary>
    ValueTask<IReadOnlyList<JobRequest>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default);

    /// <summary>Reads one page of rows matching the query, newest first (keyset paging by id).</summary>
    /// <exception cref="ArgumentException">The query's limit is outside 1 to 1,000.</exception>
    ValueTask<JobPage> QueryAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads counts by status and type, each queue's backlog, the jobs finished per minute over the last
    /// <paramref name="throughputMinutes"/> minutes (1 to 60) and the workers seen in that window.
    /// </summary>
    ValueTask<JobStats> GetStatsAsync(int throughputMinutes = 15, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels a queued or running job. A queued job is cancelled at once; a running job's row is cancelled at once
    /// and its handler's <see cref="CancellationToken"/> fires on the worker's next lease heartbeat.
    /// </summary>
    ValueTask<JobActionResult> CancelAsync(long id, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues a failed or cancelled job again to run now, with a fresh set of attempts; <see cref="JobRequest.Retries"/>
    /// counts how often an operator did so, and the last error stays readable until the next attempt ends.
    /// </summary>
    ValueTask<JobActionResult> RetryAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Retries every job in <paramref name="status"/> (failed or cancelled), only of <paramref name="jobType"/> when given. Returns how many.</summary>
    /// <exception cref="ArgumentException"><paramref name="status"/> is not failed or cancelled.</exception>
    ValueTask<int> RetryAllAsync(JobStatus status, string? jobType = null, CancellationToken cancellationToken = default);

    /// <summary>Makes a queued job that waits for its delay or its next retry due now.</summary>
    ValueTask<JobActionResult> RunNowAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Deletes a finished (succeeded, failed or cancelled) row.</summary>
    ValueTask<JobActionResult> DeleteAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes finished rows in <paramref name="status"/> that finished before <paramref name="finishedBefore"/>, only
    /// of <paramref name="jobType"/> when given. Returns how many.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="status"/> is not a finished status.</exception>
    ValueTask<int> PurgeAsync(JobStatus status, DateTimeOffset finishedBefore, string? jobType = null, CancellationToken cancellationToken = default);
}
