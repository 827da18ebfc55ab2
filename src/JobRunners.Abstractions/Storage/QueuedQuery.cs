namespace JobRunners.Extensibility;

/// <summary>A filter for <see cref="IJobStore.ListQueuedAsync"/>. Conditions combine with AND.</summary>
public sealed record QueuedQuery
{
    /// <summary>Only rows the backend has not accepted (null <c>dispatched_at</c>).</summary>
    public bool UndispatchedOnly { get; init; }

    /// <summary>Only rows written before this time (lets an in-flight dispatch finish before the outbox re-sends it).</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Only rows taken by this runner.</summary>
    public string? Runner { get; init; }

    /// <summary>Only rows another runner took: their <c>runner</c> is not this one, or unset (a switch of runners).</summary>
    public string? NotRunner { get; init; }

    /// <summary>Only rows of these job types; null for any.</summary>
    public IReadOnlyCollection<string>? JobTypes { get; init; }

    /// <summary>Only rows the backend accepted (a <c>dispatched_at</c>).</summary>
    public bool DispatchedOnly { get; init; }

    /// <summary>
    /// Only rows marked dispatched, and due, at or before this time: still queued, such a row has waited unclaimed
    /// since then (the reconciler's lost messages).
    /// </summary>
    public DateTimeOffset? UnclaimedSince { get; init; }

    /// <summary>Only rows marked dispatched before they were due (<c>dispatched_at &lt; run_at</c>).</summary>
    public bool DispatchedBeforeDue { get; init; }

    /// <summary>Only rows due by this time.</summary>
    public DateTimeOffset? DueBy { get; init; }

    /// <summary>Only rows with an id above this (paging, oldest first).</summary>
    public long? AfterId { get; init; }

    /// <summary>At most this many rows (default 500).</summary>
    public int Limit { get; init; } = 500;
}
