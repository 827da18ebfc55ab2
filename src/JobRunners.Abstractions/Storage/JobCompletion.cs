namespace JobRunners.Extensibility;

/// <summary>How one attempt ended, for <see cref="IJobStore.CompleteAsync"/> to write.</summary>
/// <param name="Id">The row.</param>
/// <param name="LockedBy">The worker holding the lease; the write only happens while it still does.</param>
/// <param name="Outcome">
/// <see cref="JobOutcomeKind.Succeeded"/>, <see cref="JobOutcomeKind.Failed"/>, <see cref="JobOutcomeKind.Cancelled"/>,
/// <see cref="JobOutcomeKind.Retry"/> (with its time) or <see cref="JobOutcomeKind.Released"/>; its reason is the row's error.
/// </param>
public sealed record JobCompletion(long Id, string LockedBy, JobOutcome Outcome)
{
    /// <summary>The handler's result message, if it set one.</summary>
    public string? ResultMessage { get; init; }

    /// <summary>
    /// For retries and releases: clear <c>dispatched_at</c> so the outbox hands the job to the runner again once due
    /// (runners where nothing else redelivers it, such as a direct Lambda invoke).
    /// </summary>
    public bool ReturnToOutbox { get; init; }

    /// <summary>Delete the row once it succeeded instead of keeping it (durable task rows leave no history).</summary>
    public bool DeleteOnSuccess { get; init; }
}
