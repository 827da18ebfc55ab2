namespace JobRunners.Storage;

/// <summary>A filter for <see cref="IJobStore.ListQueuedAsync"/>. Conditions combine with AND.</summary>
public sealed record QueuedQuery
{
    /// <summary>Only rows the backend has not accepted (null <c>dispatched_at</c>).</summary>
    public bool UndispatchedOnly { get; init; }

    /// <summary>Only rows written before this time (lets an in-flight dispatch finish before the outbox re-sends it).</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Only rows taken by this runner.</summary>
    public string? Runner { get; init; }

    /// <summary>Only rows due by this time.</summary>
    public DateTimeOffset? DueBy { get; init; }

    /// <summary>Only rows with an id above this (paging, oldest first).</summary>
    public long? AfterId { get; init; }

    /// <summary>At most this many rows (default 500).</summary>
    public int Limit { get; init; } = 500;
}
