namespace JobRunners;

/// <summary>The fate of one item of a batch dispatch.</summary>
public sealed record DispatchResult
{
    /// <summary>The item's position in the batch.</summary>
    public required int Index { get; init; }

    /// <summary>The job's row (jobs only); present even when sending failed after the row was written.</summary>
    public JobRequest? Job { get; init; }

    /// <summary>Why the item failed, or null when it was accepted.</summary>
    public JobRunnerException? Error { get; init; }

    /// <summary>True when the item wrote nothing: <see cref="Job"/> is the job that already held its identity (or an earlier item of the batch).</summary>
    public bool Deduplicated => Job?.Deduplicated ?? false;

    /// <summary>True when the backend accepted the item.</summary>
    public bool Succeeded => Error is null;

    /// <summary>An accepted item.</summary>
    public static DispatchResult Success(int index, JobRequest? job) => new() { Index = index, Job = job };

    /// <summary>A failed item.</summary>
    public static DispatchResult Failure(int index, JobRunnerException error, JobRequest? job = null) =>
        new() { Index = index, Error = error, Job = job };
}
