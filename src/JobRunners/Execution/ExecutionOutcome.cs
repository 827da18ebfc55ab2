namespace JobRunners;

/// <summary>The result of <see cref="JobExecutor.ExecuteJobAsync(long, CancellationToken)"/>, for the worker to act on.</summary>
/// <param name="Status">What happened.</param>
/// <param name="JobId">The row id.</param>
/// <param name="Job">The row as claimed (or as found when not run); null when not found.</param>
/// <param name="RetryAt">When the job should be offered again, for <see cref="ExecutionStatus.RetryScheduled"/>, <see cref="ExecutionStatus.NotDue"/>, <see cref="ExecutionStatus.QueueLocked"/> and <see cref="ExecutionStatus.Released"/>.</param>
public readonly record struct ExecutionOutcome(ExecutionStatus Status, long JobId, JobRequest? Job, DateTimeOffset? RetryAt = null)
{
    /// <summary>
    /// True when the message that carried the job can be deleted: the row is final or belongs to someone else.
    /// False when the job must be offered again at <see cref="RetryAt"/>.
    /// </summary>
    public bool Acknowledge => RetryAt is null;
}
