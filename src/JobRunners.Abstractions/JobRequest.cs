namespace JobRunners;

/// <summary>
/// The tracked row of a job: what was asked, and everything that has happened to it since. Rows are kept after
/// the job finishes (until retention prunes them) so failures stay readable.
/// </summary>
public sealed record JobRequest
{
    /// <summary>The row id.</summary>
    public long Id { get; init; }

    /// <summary>The registered job name.</summary>
    public required string JobType { get; init; }

    /// <summary>The queue the job belongs to; defaults to <see cref="JobType"/>.</summary>
    public required string QueueName { get; init; }

    /// <summary>The payload as JSON.</summary>
    public required string Payload { get; init; }

    /// <summary>Where the job is in its life.</summary>
    public JobStatus Status { get; init; }

    /// <summary>Progress 0-100 reported by the handler; 100 on success.</summary>
    public int Progress { get; init; }

    /// <summary>What the handler said about its result, for a person to read.</summary>
    public string? ResultMessage { get; init; }

    /// <summary>The last error: exception type and message.</summary>
    public string? LastError { get; init; }

    /// <summary>Attempts started so far (a claim counts as an attempt).</summary>
    public int Attempts { get; init; }

    /// <summary>How many times an operator queued the job again after it failed or was cancelled (each time with fresh attempts).</summary>
    public int Retries { get; init; }

    /// <summary>Attempts allowed before the job fails for good.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>Higher runs first where the runner orders work.</summary>
    public int Priority { get; init; }

    /// <summary>Not before this time (UTC): the delay, or the next retry after backoff.</summary>
    public DateTimeOffset RunAt { get; init; }

    /// <summary>
    /// The job's identity (<see cref="DispatchOptions.UniqueKey"/>, or <c>sha256:&lt;hex&gt;</c> for
    /// <see cref="DispatchOptions.UniqueByPayload"/>); null for none.
    /// </summary>
    public string? UniqueKey { get; init; }

    /// <summary>
    /// Until when the row holds its <see cref="UniqueKey"/> after it finished: null while unfinished only;
    /// <see cref="DateTimeOffset.MaxValue"/> for ever (<see cref="DispatchOptions.Forever"/>).
    /// </summary>
    public DateTimeOffset? UniqueUntil { get; init; }

    /// <summary>The identity holds within <see cref="QueueName"/> only.</summary>
    public bool UniquePerQueue { get; init; }

    /// <summary>
    /// True on the row a dispatch returned when it wrote nothing because this job already held the identity; false
    /// on a new row and on every row read from the store.
    /// </summary>
    public bool Deduplicated { get; init; }

    /// <summary>While this job runs, no other job of its queue starts.</summary>
    public bool LocksQueue { get; init; }

    /// <summary>True once a worker has claimed the row.</summary>
    public bool Assigned { get; init; }

    /// <summary>The worker holding the lease, while running.</summary>
    public string? LockedBy { get; init; }

    /// <summary>When the lease lapses unless extended (UTC).</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>The runner that took the job.</summary>
    public string? Runner { get; init; }

    /// <summary>When the backend accepted the job; null means written but not yet accepted (the outbox re-sends it).</summary>
    public DateTimeOffset? DispatchedAt { get; init; }

    /// <summary>When the row was written (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the row last changed (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the current or last attempt started (UTC).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the job reached a final status (UTC).</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the trace that dispatched the job; each attempt continues it. Null for none.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> that goes with <see cref="TraceParent"/>, or null.</summary>
    public string? TraceState { get; init; }
}
