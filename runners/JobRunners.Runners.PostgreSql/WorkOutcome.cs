using JobRunners.PostgreSql;

namespace JobRunners.Runners.PostgreSql;

/// <summary>How running one fetched row ended.</summary>
/// <param name="Row">The row.</param>
/// <param name="Status">What happened; null when the store failed and the outcome is unknown.</param>
/// <param name="WakeAt">When the row should be looked at again (a retry, or a claim refused for now).</param>
internal readonly record struct WorkOutcome(ReservedJob Row, ExecutionStatus? Status, DateTimeOffset? WakeAt = null)
{
    public bool IsTask => TaskRows.IsTask(Row.JobType);

    /// <summary>True when an attempt started (the claim was won).</summary>
    public bool Ran => Status is ExecutionStatus.Succeeded or ExecutionStatus.RetryScheduled or ExecutionStatus.Failed
        or ExecutionStatus.Cancelled or ExecutionStatus.Released or ExecutionStatus.LeaseLost;

    /// <summary>True when a locking job stopped running, so other jobs of its queue may start now.</summary>
    public bool FreedQueue => Row.LocksQueue && Ran;
}
