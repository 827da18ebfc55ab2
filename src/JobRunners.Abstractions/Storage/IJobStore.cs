namespace JobRunners.Storage;

/// <summary>
/// Where <see cref="JobRequest"/> rows live. Every mutation that follows a claim is guarded by the lease holder
/// (<c>lockedBy</c>) and the running status, so a worker that lost its lease cannot overwrite the row.
/// Implementations take the current time from a <see cref="TimeProvider"/>.
/// </summary>
public interface IJobStore
{
    /// <summary>The store's kind, such as <c>sqlite</c> or <c>postgres</c>.</summary>
    string Name { get; }

    /// <summary>Applies pending schema migrations; safe to call concurrently and repeatedly.</summary>
    ValueTask MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a new queued row. When <see cref="NewJobRequest.UniqueKey"/> matches an unfinished row, writes
    /// nothing and returns that row with <see cref="InsertResult.Created"/> false.
    /// </summary>
    ValueTask<InsertResult> InsertAsync(NewJobRequest job, CancellationToken cancellationToken = default);

    /// <summary>Reads one row, or null.</summary>
    ValueTask<JobRequest?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Reads rows, newest first.</summary>
    ValueTask<IReadOnlyList<JobRequest>> ListAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that <paramref name="runner"/>'s backend accepted the job. With <paramref name="sentAtAttempts"/>,
    /// a row that is queued again with more attempts than that (a fast worker already ran and retried it, perhaps
    /// handing it back to the outbox) is left as it is, so the late mark cannot hide the retry.
    /// </summary>
    ValueTask MarkDispatchedAsync(long id, string runner, int? sentAtAttempts = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically moves a queued, due row to running for <see cref="JobClaim.WorkerId"/>, counting an attempt.
    /// Of two workers claiming one row, exactly one gets <see cref="ClaimStatus.Claimed"/>.
    /// </summary>
    ValueTask<ClaimResult> TryClaimAsync(long id, JobClaim claim, CancellationToken cancellationToken = default);

    /// <summary>Writes progress and, when given, the result message. False when the caller no longer holds the lease.</summary>
    ValueTask<bool> ReportProgressAsync(long id, string lockedBy, int progress, string? message, CancellationToken cancellationToken = default);

    /// <summary>Moves the lease's end to now + <paramref name="lease"/>. False when the caller no longer holds the lease (lapsed, or the job was cancelled).</summary>
    ValueTask<bool> ExtendLeaseAsync(long id, string lockedBy, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Records how an attempt ended. False when the caller no longer holds the lease.</summary>
    ValueTask<bool> FinishAttemptAsync(long id, string lockedBy, AttemptResult result, CancellationToken cancellationToken = default);

    /// <summary>Cancels a queued or running row. False when the row is already final or missing.</summary>
    ValueTask<bool> CancelAsync(long id, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds running rows whose lease lapsed (their worker died) and re-queues them to run now, or fails them
    /// when no attempts remain. Re-queued rows get a null <see cref="JobRequest.DispatchedAt"/> so the outbox
    /// hands them to the active runner. Returns the rows changed.
    /// </summary>
    ValueTask<IReadOnlyList<JobRequest>> RescueExpiredLeasesAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads queued rows for the outbox and for runners that adopt work at startup, oldest first.</summary>
    ValueTask<IReadOnlyList<JobRequest>> ListQueuedAsync(QueuedQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes finished rows that finished before <paramref name="finishedBefore"/>: only of <paramref name="jobType"/>
    /// when given, and never of the types in <paramref name="exceptJobTypes"/> (those have retentions of their own).
    /// Returns the count.
    /// </summary>
    ValueTask<int> PruneAsync(DateTimeOffset finishedBefore, string? jobType = null, IReadOnlyCollection<string>? exceptJobTypes = null, CancellationToken cancellationToken = default);
}
