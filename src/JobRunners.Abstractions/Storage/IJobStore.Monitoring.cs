namespace JobRunners.Extensibility;

/// <content>
/// What an operator reads and does (behind <see cref="IJobMonitor"/>). Every action is one guarded statement: it
/// names the status it expects, so of two operators (or an operator and a worker) racing on one row exactly one
/// changes it, and the other is told nothing changed.
/// </content>
public partial interface IJobStore
{
    /// <summary>Counts rows per job type and status, in one statement.</summary>
    ValueTask<IReadOnlyList<JobCount>> CountJobsAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts rows that finished succeeded or failed per minute since <paramref name="since"/>, oldest first; minutes with none are left out.</summary>
    ValueTask<IReadOnlyList<ThroughputSample>> GetThroughputAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>
    /// The lease holders (<see cref="JobRequest.LockedBy"/>) of running rows and of rows finished since
    /// <paramref name="since"/>: each with its last change and how many rows it runs now, most recent first.
    /// </summary>
    ValueTask<IReadOnlyList<WorkerSeen>> GetWorkersAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues a failed or cancelled row again, due now, with no attempt used (<see cref="JobRequest.Attempts"/> 0),
    /// <see cref="JobRequest.Retries"/> one more, not yet dispatched; the last error is kept. Returns the row as
    /// written, or null when it is missing or not failed or cancelled (nothing written).
    /// </summary>
    ValueTask<JobRequest?> RetryAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Retries, as <see cref="RetryAsync"/> does, up to <paramref name="limit"/> rows in <paramref name="status"/>
    /// (failed or cancelled), only of <paramref name="jobType"/> when given, oldest first. Rows whose identity another
    /// row holds are left out, and of rows sharing an identity only the newest is retried. Returns the rows written.
    /// </summary>
    ValueTask<IReadOnlyList<JobRequest>> RetryManyAsync(JobStatus status, string? jobType, int limit, CancellationToken cancellationToken = default);

    /// <summary>Makes a queued row that is not yet due due now. Returns the row as written, or null when it is missing, not queued or already due.</summary>
    ValueTask<JobRequest?> RunNowAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Deletes a finished (succeeded, failed or cancelled) row. False when it is missing or not finished.</summary>
    ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes rows in the finished <paramref name="status"/> that finished before <paramref name="finishedBefore"/>,
    /// only of <paramref name="jobType"/> when given. A row still holding its identity (<see cref="JobRequest.UniqueUntil"/>
    /// not reached) is kept, as retention keeps it. Returns the count.
    /// </summary>
    ValueTask<int> PurgeAsync(JobStatus status, DateTimeOffset finishedBefore, string? jobType = null, CancellationToken cancellationToken = default);
}
