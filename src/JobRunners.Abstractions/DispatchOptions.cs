namespace JobRunners;

/// <summary>How a job is dispatched. Every property is optional; the defaults come from the job's registration.</summary>
public sealed record DispatchOptions
{
    /// <summary>The queue name; defaults to the job type.</summary>
    public string? QueueName { get; init; }

    /// <summary>While this job runs, no other job of the same queue name starts.</summary>
    public bool LocksQueue { get; init; }

    /// <summary>Run no earlier than this long from now. Not together with <see cref="RunAt"/>.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Run no earlier than this time. Not together with <see cref="Delay"/>.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>Higher runs first where the runner orders work (default 0).</summary>
    public int Priority { get; init; }

    /// <summary>
    /// <see cref="UniqueFor"/> for a job whose identity is held forever: it runs at most once (unless an operator
    /// deletes its row or retries it).
    /// </summary>
    public static readonly TimeSpan Forever = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// The job's identity: a second dispatch with the same identity, while the first holds it (see
    /// <see cref="UniqueFor"/>), writes nothing and returns the existing row with <see cref="JobRequest.Deduplicated"/>
    /// set (the same key on another job type is another job). At most 1,000 bytes in UTF-8, without NUL characters.
    /// Set it to make a dispatch safe to repeat, e.g. after a <see cref="JobStoreException"/> whose
    /// <see cref="JobStoreException.RowMayExist"/> is true. An explicit key wins over <see cref="UniqueByPayload"/> and
    /// over the job type's default, so a new key runs the same payload again.
    /// </summary>
    public string? UniqueKey { get; init; }

    /// <summary>
    /// The job's identity is its payload: a SHA-256 of the job type and the canonical JSON of the validated payload
    /// (object members sorted, no whitespace), stored as <c>sha256:&lt;hex&gt;</c> in <see cref="JobRequest.UniqueKey"/>.
    /// Two dispatches whose payloads bind to the same values are one job. Not together with <see cref="UniqueKey"/>.
    /// </summary>
    public bool UniqueByPayload { get; init; }

    /// <summary>
    /// How long the identity is held: null (the default) while the job is unfinished (queued or running);
    /// a positive period from this dispatch on, finished or not (and while unfinished, if longer); or
    /// <see cref="Forever"/>. Needs <see cref="UniqueKey"/> or <see cref="UniqueByPayload"/> (here or as the job type's default).
    /// </summary>
    public TimeSpan? UniqueFor { get; init; }

    /// <summary>The identity holds within the job's queue only: the same identity on another queue is another job.</summary>
    public bool UniquePerQueue { get; init; }

    /// <summary>Attempts allowed; defaults to the job type's retry policy.</summary>
    public int? MaxAttempts { get; init; }
}
