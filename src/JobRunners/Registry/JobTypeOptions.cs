namespace JobRunners;

/// <summary>Settings for one job type; anything left null falls back to <see cref="JobRunnersOptions"/>.</summary>
public sealed class JobTypeOptions
{
    /// <summary>Retries for this type; null for the global policy.</summary>
    public RetryPolicy? Retry { get; set; }

    /// <summary>The default queue name for this type; null for the job type's own name.</summary>
    public string? QueueName { get; set; }

    /// <summary>How long finished rows of this type are kept; null for the global retention.</summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>
    /// Jobs of this type are identified by their payload unless a dispatch gives a
    /// <see cref="DispatchOptions.UniqueKey"/>: see <see cref="DispatchOptions.UniqueByPayload"/>.
    /// </summary>
    public bool UniqueByPayload { get; set; }

    /// <summary>
    /// How long a job of this type holds its identity when the dispatch does not say (<see cref="DispatchOptions.UniqueFor"/>):
    /// null while unfinished, a period, or <see cref="DispatchOptions.Forever"/>. Applies to dispatches that have an identity.
    /// </summary>
    public TimeSpan? UniqueFor { get; set; }

    /// <summary>Identities of this type hold within a queue only (<see cref="DispatchOptions.UniquePerQueue"/>).</summary>
    public bool UniquePerQueue { get; set; }

    /// <summary>The lease a worker takes on a row of this type; null for the global lease.</summary>
    public TimeSpan? Lease { get; set; }

    /// <summary>
    /// Called when an attempt throws: return <see cref="RetryDecision.UsePolicy"/>, a time to retry at, or
    /// <see cref="RetryDecision.Fail"/> to give up now. A hook that throws is logged and the policy applies.
    /// </summary>
    public Func<JobFailure, CancellationToken, ValueTask<RetryDecision>>? OnError { get; set; }

    /// <summary>Called once a job of this type has failed for good (attempts used up, or given up). Exceptions are logged.</summary>
    public Func<JobFailure, CancellationToken, ValueTask>? OnExhausted { get; set; }

    /// <summary>
    /// Called when a row of this type is rescued after its worker stopped renewing the lease (the process died or
    /// hung). The row is already queued again (or failed when no attempts remain). Exceptions are logged.
    /// </summary>
    public Func<JobRequest, CancellationToken, ValueTask>? OnStale { get; set; }
}
