namespace JobRunners.Storage;

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
    }

    public static void ValidateClaim(JobClaim claim)
    {
        ArgumentException.ThrowIfNullOrEmpty(claim.WorkerId, nameof(claim));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(claim.Lease, TimeSpan.Zero, nameof(claim));
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

    public static void ValidateResult(string lockedBy, AttemptResult result)
    {
        ArgumentException.ThrowIfNullOrEmpty(lockedBy);
        ArgumentNullException.ThrowIfNull(result);
        if (!Enum.IsDefined(result.Outcome))
        {
            throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, "Unknown attempt outcome.");
        }

        if (result.Outcome == AttemptOutcome.Retry && result.RetryAt is null)
        {
            throw new ArgumentException("A retry needs RetryAt: the time to run the job again.", nameof(result));
        }
    }

    public static void ValidateLimit(int limit) => ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

    /// <summary>Why a claim that updated nothing was refused, from the row as it is now.</summary>
    public static ClaimResult Refused(JobRequest? row, DateTimeOffset now, JobClaim claim)
    {
        if (row is null)
        {
            return new ClaimResult(ClaimStatus.NotFound, null);
        }

        if (row.Status != JobStatus.Queued)
        {
            return new ClaimResult(ClaimStatus.NotQueued, row);
        }

        return !claim.IgnoreRunAt && row.RunAt > now
            ? new ClaimResult(ClaimStatus.NotDue, row)
            : new ClaimResult(ClaimStatus.QueueLocked, row);
    }
}
