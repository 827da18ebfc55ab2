namespace JobRunners.Extensibility;

/// <summary>Argument checks and the reading of a refused claim, shared by the store's methods.</summary>
internal static class StoreArguments
{
    public static void ValidateInsert(NewJobRequest job)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrEmpty(job.JobType, nameof(job));
        ArgumentException.ThrowIfNullOrEmpty(job.QueueName, nameof(job));
        ArgumentException.ThrowIfNullOrEmpty(job.Payload, nameof(job));
        ArgumentOutOfRangeException.ThrowIfLessThan(job.MaxAttempts, 1, nameof(job));
        StoredValues.Check(job.JobType, job.QueueName, job.Payload, job.UniqueKey);
        StoredValues.CheckTrace(job.JobType, job.TraceParent, job.TraceState);
        StoredValues.CheckUniqueFor(job.JobType, job.UniqueKey, job.UniqueFor);
    }

    public static void ValidateClaim(JobClaimRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.WorkerId, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.Lease, TimeSpan.Zero, nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Limit, nameof(request));
        if (request.IgnoreRunAt && request.Ids is null)
        {
            throw new ArgumentException("IgnoreRunAt claims only the rows named by Ids.", nameof(request));
        }
    }

    public static void ValidateLease(string lockedBy, TimeSpan lease)
    {
        ArgumentException.ThrowIfNullOrEmpty(lockedBy);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
    }

    public static void ValidateProgress(string lockedBy, int progress)
    {
        ArgumentException.ThrowIfNullOrEmpty(lockedBy);
        ArgumentOutOfRangeException.ThrowIfNegative(progress);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(progress, 100);
    }

    public static void ValidateCompletions(IReadOnlyList<JobCompletion> completions)
    {
        ArgumentNullException.ThrowIfNull(completions);
        foreach (var completion in completions)
        {
            ArgumentNullException.ThrowIfNull(completion, nameof(completions));
            ArgumentException.ThrowIfNullOrEmpty(completion.LockedBy, nameof(completions));
            switch (completion.Outcome.Kind)
            {
                case JobOutcomeKind.Retry when completion.Outcome.RetryAt is null:
                    throw new ArgumentException($"The retry of job {completion.Id} needs RetryAt: the time to run the job again.", nameof(completions));
                case JobOutcomeKind.Succeeded or JobOutcomeKind.Failed or JobOutcomeKind.Cancelled or JobOutcomeKind.Retry or JobOutcomeKind.Released:
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(completions), completion.Outcome.Kind, $"Job {completion.Id}: a {completion.Outcome.Kind} outcome is not written to a row.");
            }
        }
    }

    /// <summary>The stored form of an outcome written by <see cref="IJobStore.CompleteAsync"/>.</summary>
    public static string StoredKind(JobOutcomeKind kind) => kind switch
    {
        JobOutcomeKind.Succeeded => "succeeded",
        JobOutcomeKind.Failed => "failed",
        JobOutcomeKind.Cancelled => "cancelled",
        JobOutcomeKind.Retry => "retry",
        JobOutcomeKind.Released => "released",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an outcome that is written to a row."),
    };

    public static void ValidateLimit(int limit) => ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

    /// <summary>Only failed and cancelled rows are retried by an operator.</summary>
    public static void ValidateRetryStatus(JobStatus status)
    {
        if (status is not (JobStatus.Failed or JobStatus.Cancelled))
        {
            throw new ArgumentException($"Only failed or cancelled jobs are retried, not {status.ToStoredValue()} ones: give failed or cancelled.", nameof(status));
        }
    }

    /// <summary>Only finished rows are deleted by an operator.</summary>
    public static void ValidateFinishedStatus(JobStatus status)
    {
        if (!status.IsFinal())
        {
            throw new ArgumentException($"Only finished jobs are purged, not {status.ToStoredValue()} ones: give succeeded, failed or cancelled.", nameof(status));
        }
    }
}
