namespace JobRunners.Storage;

/// <summary>A job row to write.</summary>
public sealed record NewJobRequest
{
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

    /// <summary>Deduplication key over unfinished rows.</summary>
    public string? UniqueKey { get; init; }

    /// <summary>Serialise the queue while this job runs.</summary>
    public bool LocksQueue { get; init; }

    /// <summary>The runner taking the job.</summary>
    public string? Runner { get; init; }

    /// <summary>Mark the row dispatched as it is written, for runners whose acceptance cannot fail after the write.</summary>
    public bool Dispatched { get; init; }
}
