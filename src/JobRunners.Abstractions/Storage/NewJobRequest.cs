namespace JobRunners.Extensibility;

/// <summary>A job row to write.</summary>
public sealed record NewJobRequest
{
    /// <summary>The longest <see cref="TraceParent"/> a store keeps: room for later versions of the 55-character format.</summary>
    public const int MaxTraceParentLength = 256;

    /// <summary>The longest <see cref="TraceState"/> a store keeps.</summary>
    public const int MaxTraceStateLength = 512;

    /// <summary>The registered job name.</summary>
    public required string JobType { get; init; }

    /// <summary>The queue name.</summary>
    public required string QueueName { get; init; }

    /// <summary>The validated payload as JSON.</summary>
    public required string Payload { get; init; }

    /// <summary>Attempts allowed.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Higher runs first.</summary>
    public int Priority { get; init; }

    /// <summary>Not before this time; null for now.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>
    /// The job's identity: while a row of the same job type (and, with <see cref="UniquePerQueue"/>, the same queue)
    /// holds it, the insert writes nothing and returns that row.
    /// </summary>
    public string? UniqueKey { get; init; }

    /// <summary>
    /// How long the row holds <see cref="UniqueKey"/>: null while unfinished; a positive period from the insert
    /// (and while unfinished); <see cref="DispatchOptions.Forever"/> for ever.
    /// </summary>
    public TimeSpan? UniqueFor { get; init; }

    /// <summary>The identity holds within <see cref="QueueName"/> only.</summary>
    public bool UniquePerQueue { get; init; }

    /// <summary>Serialise the queue while this job runs.</summary>
    public bool LocksQueue { get; init; }

    /// <summary>The runner taking the job.</summary>
    public string? Runner { get; init; }

    /// <summary>Mark the row dispatched as it is written, for runners whose acceptance cannot fail after the write.</summary>
    public bool Dispatched { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the trace that dispatched the job (e.g.
    /// <c>00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01</c>), so that every attempt, on any worker, continues
    /// that trace; null for none. At most <see cref="MaxTraceParentLength"/> characters, no NUL.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>
    /// The W3C <c>tracestate</c> that goes with <see cref="TraceParent"/> (vendor entries, e.g. <c>congo=t61rcWkgMzE</c>);
    /// null for none, and only with a <see cref="TraceParent"/>. At most <see cref="MaxTraceStateLength"/> characters
    /// (the 512 the W3C recommendation asks every system to propagate), no NUL: trim longer ones by dropping entries.
    /// </summary>
    public string? TraceState { get; init; }
}
