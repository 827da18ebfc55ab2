namespace JobRunners.Extensibility;

/// <summary>What one maintenance pass asks of <see cref="IJobStore.SweepAsync"/>.</summary>
public sealed record SweepRequest
{
    /// <summary>
    /// List queued, due rows the backend has not accepted (null <c>dispatched_at</c>) that were written before this
    /// time, for the outbox to send; null lists none. The margin lets an in-flight dispatch finish first.
    /// </summary>
    public DateTimeOffset? UndispatchedBefore { get; init; }

    /// <summary>At most this many undispatched rows (default 500).</summary>
    public int Limit { get; init; } = 500;
}
