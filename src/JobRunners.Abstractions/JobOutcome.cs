namespace JobRunners.Extensibility;

/// <summary>
/// What became of one job or task handed to a worker. It is the one result of an execution: the executor returns
/// it, the store writes it (<see cref="JobCompletion"/>), and each transport maps it to its own action
/// (delete a message, hide it until <see cref="RetryAt"/>, park it, wake up later) in one place.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="RetryAt">For <see cref="JobOutcomeKind.Retry"/> and <see cref="JobOutcomeKind.NotDue"/>: when to look again.</param>
/// <param name="Reason">For failures, retries, refusals and rejections: what went wrong, for the row, logs and dead-letter queues.</param>
public readonly record struct JobOutcome(JobOutcomeKind Kind, DateTimeOffset? RetryAt = null, string? Reason = null)
{
    /// <summary>The attempt succeeded.</summary>
    public static JobOutcome Succeeded { get; } = new(JobOutcomeKind.Succeeded);

    /// <summary>The worker stopped mid-attempt; the job runs again at once.</summary>
    public static JobOutcome Released { get; } = new(JobOutcomeKind.Released);

    /// <summary>The worker lost the row mid-attempt.</summary>
    public static JobOutcome LeaseLost { get; } = new(JobOutcomeKind.LeaseLost);

    /// <summary>A duplicate delivery: the row runs elsewhere or is final.</summary>
    public static JobOutcome Skipped { get; } = new(JobOutcomeKind.Skipped);

    /// <summary>The job failed for good.</summary>
    public static JobOutcome Failed(string reason) => new(JobOutcomeKind.Failed, null, reason);

    /// <summary>The job was cancelled.</summary>
    public static JobOutcome Cancelled(string? reason = null) => new(JobOutcomeKind.Cancelled, null, reason);

    /// <summary>The attempt failed; run again at <paramref name="at"/> (null: when the queue redelivers).</summary>
    public static JobOutcome Retry(DateTimeOffset? at, string reason) => new(JobOutcomeKind.Retry, at, reason);

    /// <summary>Not run yet; look again at <paramref name="at"/>.</summary>
    public static JobOutcome NotDue(DateTimeOffset at, string? reason = null) => new(JobOutcomeKind.NotDue, at, reason);

    /// <summary>Not run: no handler here for the job type.</summary>
    public static JobOutcome NotServed(string reason) => new(JobOutcomeKind.NotServed, null, reason);

    /// <summary>Can never run here.</summary>
    public static JobOutcome Rejected(string reason) => new(JobOutcomeKind.Rejected, null, reason);

    /// <summary>True when the attempt ran (the claim was won), whatever its result.</summary>
    public bool Ran => Kind is JobOutcomeKind.Succeeded or JobOutcomeKind.Failed or JobOutcomeKind.Cancelled
        or JobOutcomeKind.Retry or JobOutcomeKind.Released or JobOutcomeKind.LeaseLost;

    /// <summary>True when the row is final: succeeded, failed or cancelled.</summary>
    public bool IsFinal => Kind is JobOutcomeKind.Succeeded or JobOutcomeKind.Failed or JobOutcomeKind.Cancelled;

    /// <inheritdoc />
    public override string ToString() =>
        Kind + (RetryAt is { } at ? $" at {at:O}" : "") + (Reason is null ? "" : $": {Reason}");
}
