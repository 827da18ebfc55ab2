namespace JobRunners.Extensibility;

/// <summary>
/// What a worker asks <see cref="IJobStore.ClaimAsync"/> for: due, queued rows (by filter, or the rows named by
/// <see cref="Ids"/>), claimed for <see cref="WorkerId"/> in one statement.
/// </summary>
public sealed record JobClaimRequest
{
    /// <summary>The claiming worker, written to <c>locked_by</c>.</summary>
    public required string WorkerId { get; init; }

    /// <summary>How long the lease lasts before a heartbeat must extend it.</summary>
    public required TimeSpan Lease { get; init; }

    /// <summary>At most this many rows (default 1). With <see cref="Ids"/>, at most that many.</summary>
    public int Limit { get; init; } = 1;

    /// <summary>Only these rows (the ids a queue delivered); null to take any due rows by the filters below.</summary>
    public IReadOnlyCollection<long>? Ids { get; init; }

    /// <summary>Only rows of these job types (the ones this worker can run); null for any.</summary>
    public IReadOnlyCollection<string>? JobTypes { get; init; }

    /// <summary>Only rows of these queues; null for any.</summary>
    public IReadOnlyCollection<string>? Queues { get; init; }

    /// <summary>Only rows taken by this runner; null for any.</summary>
    public string? Runner { get; init; }

    /// <summary>Claim rows named by <see cref="Ids"/> even when not yet due (the synchronous runner's back-to-back retries).</summary>
    public bool IgnoreRunAt { get; init; }
}
