namespace JobRunners.Storage;

/// <summary>How an attempt ended, as written by <see cref="IJobStore.FinishAttemptAsync"/>.</summary>
public enum AttemptOutcome
{
    /// <summary>Succeeded: progress 100, finished.</summary>
    Succeeded,

    /// <summary>Failed for good: finished with the error.</summary>
    Failed,

    /// <summary>Cancelled: finished.</summary>
    Cancelled,

    /// <summary>Failed, will retry: queued again at <see cref="AttemptResult.RetryAt"/>.</summary>
    Retry,

    /// <summary>Interrupted by shutdown: queued again now and the attempt is not counted.</summary>
    Released,
}
