namespace JobRunners;

/// <summary>What happened when a worker asked the executor to run a job.</summary>
public enum ExecutionStatus
{
    /// <summary>The attempt succeeded; the row is final.</summary>
    Succeeded,

    /// <summary>The attempt failed and the job will run again at <see cref="ExecutionOutcome.RetryAt"/>.</summary>
    RetryScheduled,

    /// <summary>The attempt failed and no attempts remain; the row is final with its error.</summary>
    Failed,

    /// <summary>The job was cancelled; the row is final.</summary>
    Cancelled,

    /// <summary>The worker stopped mid-attempt; the row is queued again and the attempt not counted.</summary>
    Released,

    /// <summary>This worker lost its lease mid-attempt (cancelled, or the lease lapsed and was rescued); the row is someone else's now.</summary>
    LeaseLost,

    /// <summary>Not run: the row is not due until <see cref="ExecutionOutcome.RetryAt"/>.</summary>
    NotDue,

    /// <summary>Not run: a locking job of the same queue is running; try again at <see cref="ExecutionOutcome.RetryAt"/>.</summary>
    QueueLocked,

    /// <summary>Not run: another worker holds the row, or it is already final (a duplicate delivery).</summary>
    NotQueued,

    /// <summary>Not run: no row has this id.</summary>
    NotFound,
}
