namespace JobRunners.Extensibility;

/// <summary>
/// One queue's queued rows at one moment, from <see cref="IJobStore.GetQueueStatsAsync"/>: what queue gauges and
/// health checks read. Only queued rows count; running and finished rows do not.
/// </summary>
public sealed record QueueStats
{
    /// <summary>The queue name.</summary>
    public required string QueueName { get; init; }

    /// <summary>Queued rows, due or not.</summary>
    public long Queued { get; init; }

    /// <summary>Queued rows that are due (<see cref="JobRequest.RunAt"/> at or before now).</summary>
    public long Due { get; init; }

    /// <summary>
    /// The due time (<see cref="JobRequest.RunAt"/>) of the due row that has waited longest, or null when none is
    /// due: now minus this is the age of the oldest waiting job.
    /// </summary>
    public DateTimeOffset? OldestDueAt { get; init; }

    /// <summary>
    /// Due rows that no backend has accepted yet (<see cref="JobRequest.DispatchedAt"/> null): the outbox's backlog.
    /// </summary>
    public long Undispatched { get; init; }

    /// <summary>
    /// Since when the longest-waiting of the <see cref="Undispatched"/> rows has waited for the outbox: the later of
    /// its due time and its last change (written, or queued again by a retry or a rescue); null when there are none.
    /// </summary>
    public DateTimeOffset? OldestUndispatchedSince { get; init; }
}
