namespace JobRunners.Storage;

/// <summary>How a claim ended.</summary>
public enum ClaimStatus
{
    /// <summary>The caller now holds the lease and runs the attempt.</summary>
    Claimed,

    /// <summary>The row is queued but not due until <see cref="JobRequest.RunAt"/>.</summary>
    NotDue,

    /// <summary>The row is running elsewhere or already final: nothing to do.</summary>
    NotQueued,

    /// <summary>No row has this id (pruned, or from another store).</summary>
    NotFound,

    /// <summary>The row is queued, but a locking job of its queue is running: try again later.</summary>
    QueueLocked,
}
