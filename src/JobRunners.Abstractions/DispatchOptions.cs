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
    /// At most one unfinished job of this job type per key: dispatching again returns the existing row (the same key
    /// on another job type is another job). At most 1,000 bytes in UTF-8, without NUL characters. Set it to make a
    /// dispatch safe to repeat, e.g. after a <see cref="JobStoreException"/> whose <see cref="JobStoreException.RowMayExist"/> is true.
    /// </summary>
    public string? UniqueKey { get; init; }

    /// <summary>Attempts allowed; defaults to the job type's retry policy.</summary>
    public int? MaxAttempts { get; init; }
}
